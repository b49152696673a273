package dev.calicodcos.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.codec.SpecCodec;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spec in force read back from etcd equals the one written: the incremental planner plans
 * everyone again whenever they differ, so a spec that did not survive the round trip would make
 * every pass a full one.
 */
class SpecInForceRoundTripTest {
    private final ClusterKeys keys = new ClusterKeys("/t", "default");
    private final ClusterDocuments documents = new ClusterDocuments(keys, new SpecCodec());

    @ParameterizedTest
    @ValueSource(strings = {"minimal.yaml", "full.yaml", "tls.yaml"})
    void theSpecInForceReadBackEqualsTheOneWritten(String example) {
        SpecInForce written = new SpecInForce(42, Specs.parse(new String(Specs.example(example), StandardCharsets.UTF_8)).spec());

        ClusterChange read = documents.decode(new KvStore.Change(keys.specInForce(),
                Optional.of(new Versioned(documents.encode(written), 42, 42)), 42));

        assertThat(read).isEqualTo(new ClusterChange.InForce(Optional.of(written), 42));
    }
}
