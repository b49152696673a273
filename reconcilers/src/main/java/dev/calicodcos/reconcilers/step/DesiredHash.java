package dev.calicodcos.reconcilers.step;

import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.hash.StepHashes;

/** SHA-256 of the canonical JSON of a rendered value: the desired (or observed) hash of a step. */
public final class DesiredHash {
    private static final SpecCodec CODEC = new SpecCodec(); // stateless and thread-safe

    private DesiredHash() {}

    public static String of(Object rendered) {
        return StepHashes.sha256(CODEC.canonicalBytes(rendered));
    }
}
