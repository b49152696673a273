package dev.calicodcos.controller.store;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.validation.Problem;
import dev.calicodcos.model.validation.ReadResult;
import dev.calicodcos.model.validation.SpecReader;
import java.util.List;

/**
 * A spec handed to the controller at start (the Universe package's options): a starting point,
 * stored only when no spec is stored yet and only if valid, so a redeploy never undoes an apply.
 */
public final class InitialSpec {
    private InitialSpec() {}

    public sealed interface Outcome {
        record Stored(String cluster) implements Outcome {}

        record AlreadyStored(String cluster) implements Outcome {}

        record Invalid(List<Problem> problems) implements Outcome {}
    }

    public static Outcome store(KvStore kv, String prefix, SpecReader reader, byte[] content) {
        ReadResult read = reader.read(content);
        if (!(read instanceof ReadResult.Valid valid)) {
            return new Outcome.Invalid(read.problems());
        }
        String cluster = valid.cluster().name();
        boolean stored = kv.putIfUnchanged(new ClusterKeys(prefix, cluster).spec(), content, 0).isPresent();
        return stored ? new Outcome.Stored(cluster) : new Outcome.AlreadyStored(cluster);
    }
}
