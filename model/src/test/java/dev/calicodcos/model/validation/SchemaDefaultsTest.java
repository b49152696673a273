package dev.calicodcos.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.Resources;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults the code applies are exactly the {@code default}s the published schema documents. */
class SchemaDefaultsTest {
    private final CalicoClusterSchema schema = new CalicoClusterSchema();

    @Test
    void everySchemaDefaultIsWhatTheMinimalSpecBindsTo() {
        JsonNode bound = new SpecCodec().toTree(Specs.minimal());
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        collect(schema.root(), "", defaults);

        assertThat(defaults).hasSizeGreaterThan(35);
        defaults.forEach((pointer, expected) ->
                assertThat(bound.at(pointer)).as("value at %s", pointer).isEqualTo(expected));
    }

    @Test
    void resourceCapsAreOptInAndAbsentWhenNotGiven() {
        var spec = Specs.minimal().spec();
        JsonNode bound = new SpecCodec().toTree(Specs.minimal());

        assertThat(spec.node().resources()).isEmpty();
        assertThat(spec.etcdProxy().resources()).isEmpty();
        assertThat(bound.at("/spec/node/resources").isMissingNode()).as("nothing printed for an absent cap").isTrue();
        assertThat(Specs.parse(Specs.withSpec("node: {resources: {cpus: 0.5, memMb: 300}}")).spec().node().resources())
                .contains(new Resources(0.5, 300));
    }

    @Test
    void defaultingLeavesGivenValuesAlone() {
        var cluster = Specs.parse(Specs.withSpec("rollout:\n  maxConcurrentRestarts: 3\n"));

        assertThat(cluster.spec().rollout().maxConcurrentRestarts()).isEqualTo(3);
        assertThat(cluster.spec().rollout().maxFailedAgents()).isZero();
    }

    /** Leaf defaults (containers default to {} and are filled from their own properties). */
    private void collect(JsonNode objectSchema, String pointer, Map<String, JsonNode> out) {
        JsonNode properties = schema.resolve(objectSchema).get("properties");
        if (properties == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String child = pointer + "/" + p.getKey();
            JsonNode fallback = schema.defaultOf(p.getValue());
            if (fallback != null && !(fallback.isObject() && fallback.isEmpty()) && !"/metadata/labels".equals(child)) {
                out.put(child, fallback);
            }
            if (fallback != null && fallback.isObject()) {
                collect(p.getValue(), child, out);
            }
        }
    }
}
