package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The Marathon app schema and rules reject what Marathon rejects, so passing them means something. */
class MarathonAppSchemaTest {
    private final MarathonAppValidator marathon = new MarathonAppValidator();
    private final JsonNode valid = DeployFiles.json(DeployFiles.deploy("controller.json"));

    private ObjectNode changed(Consumer<ObjectNode> change) {
        ObjectNode app = valid.deepCopy();
        change.accept(app);
        return app;
    }

    @Test
    void rejectsCmdTogetherWithArgs() {
        assertThat(marathon.problems(changed(app -> app.put("cmd", "exec java -jar calico-dcos.jar controller")))).isNotEmpty();
    }

    @Test
    void rejectsAnAppWithNeitherCommandNorImage() {
        assertThat(marathon.problems(changed(app -> {
            app.remove("args");
            app.remove("container");
        }))).isNotEmpty();
    }

    @Test
    void rejectsAMisspelledField() {
        assertThat(marathon.problems(changed(app -> app.set("healthcheck", app.get("healthChecks"))))).isNotEmpty();
    }

    @Test
    void rejectsAnUpgradeStrategyOutsideZeroToOne() {
        assertThat(marathon.problems(changed(app -> ((ObjectNode) app.get("upgradeStrategy")).put("maximumOverCapacity", 2)))).isNotEmpty();
    }

    @Test
    void rejectsASecretReferenceToAnUndeclaredSecret() {
        assertThat(marathon.problems(changed(app -> ((ObjectNode) app.get("env")).putObject("DCOS_SERVICE_ACCOUNT_CREDENTIAL")
                .put("secret", "serviceCredential"))))
                .anySatisfy(p -> assertThat(p).contains("which secrets does not declare"));
    }

    @Test
    void rejectsAReadinessCheckOnAnUnnamedPort() {
        assertThat(marathon.problems(changed(app -> ((ObjectNode) app.get("readinessChecks").get(0)).put("portName", "http"))))
                .anySatisfy(p -> assertThat(p).contains("portName http"));
    }

    @Test
    void rejectsAReadinessTimeoutNotShorterThanItsInterval() {
        assertThat(marathon.problems(changed(app -> ((ObjectNode) app.get("readinessChecks").get(0)).put("timeoutSeconds", 10))))
                .anySatisfy(p -> assertThat(p).contains("timeoutSeconds"));
    }

    @Test
    void rejectsTwoMesosHealthChecks() {
        assertThat(marathon.problems(changed(app -> ((ArrayNode) app.get("healthChecks")).add(((ObjectNode) app.get("healthChecks").get(0).deepCopy())
                .put("path", "/readyz")))))
                .anySatisfy(p -> assertThat(p).contains("at most one Mesos health check"));
    }

    @Test
    void rejectsAnAppIdWithUpperCaseLetters() {
        assertThat(marathon.problems(changed(app -> app.put("id", "/Calico")))).isNotEmpty();
    }

    @Test
    void acceptsMarathonsOwnHealthCheckExample() {
        Path fixture = Path.of(System.getProperty("calico.dcos.sharedDir", "../../../shared"), "fixtures/mesos/marathon-healthcheck-mesos-http.json");
        assumeTrue(Files.isRegularFile(fixture), "the shared Marathon fixtures are not on this machine: " + fixture);
        JsonNode example = DeployFiles.json(fixture);
        ObjectNode app = changed(a -> ((ArrayNode) a.get("healthChecks")).set(0, example));

        assertThat(marathon.problems(app)).isEmpty();
    }
}
