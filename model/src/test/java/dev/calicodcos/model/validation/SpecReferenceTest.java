package dev.calicodcos.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/spec-reference.md is generated from the schema; this test keeps the committed copy current. */
class SpecReferenceTest {

    @Test
    void committedSpecReferenceMatchesTheSchema() throws IOException {
        Path doc = Path.of(System.getProperty("calico.dcos.projectDir", ".."), "docs", "spec-reference.md");
        String generated = new SpecReference(new CalicoClusterSchema()).markdown();
        if (Boolean.getBoolean("calico.dcos.updateDocs")) {
            Files.writeString(doc, generated, StandardCharsets.UTF_8);
        }

        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("docs/spec-reference.md is stale: regenerate it with -Dcalico.dcos.updateDocs=true")
                .isEqualTo(generated);
    }

    @Test
    void everyFieldOfTheSchemaIsDocumented() {
        String md = new SpecReference(new CalicoClusterSchema()).markdown();

        assertThat(md).contains("`spec.rollout.maxConcurrentRestarts` | integer | `1` | ≥ 1; ≤ 1000",
                "`spec.node.ipDetection`", "`spec.cni.plugins.calico`", "`spec.etcd.tls`");
    }
}
