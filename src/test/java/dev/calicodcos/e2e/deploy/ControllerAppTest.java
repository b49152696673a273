package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code deploy/controller.json}, the app users add with {@code dcos marathon app add}. */
class ControllerAppTest {
    private static final String DCOS_JAVA = "/opt/mesosphere/active/java/usr/java/bin/java";

    private final MarathonAppValidator marathon = new MarathonAppValidator();
    private final JsonNode app = DeployFiles.json(DeployFiles.deploy("controller.json"));

    @Test
    void isAValidMarathonApp() {
        assertThat(marathon.problems(app)).isEmpty();
    }

    @Test
    void withoutTheServiceAccountSecretItIsStillValidForOpenDcos() {
        // docs/operations.md: jq 'del(.secrets, .env.DCOS_SERVICE_ACCOUNT_CREDENTIAL)' deploy/controller.json
        ObjectNode open = app.deepCopy();
        open.remove("secrets");
        ((ObjectNode) open.get("env")).remove("DCOS_SERVICE_ACCOUNT_CREDENTIAL");

        assertThat(marathon.problems(open)).isEmpty();
    }

    @Test
    void runsTheFetchedJarWithDcosJavaWithoutAShell() {
        List<String> argv = CliArgs.args(app);

        assertThat(app.has("cmd")).as("no shell command line").isFalse();
        assertThat(argv.get(0)).isEqualTo(DCOS_JAVA);
        assertThat(argv).containsSubsequence("-jar", "calico-dcos.jar", "controller");
        assertThat(app.path("fetch").get(0).path("destPath").asText()).isEqualTo("calico-dcos.jar");
        assertThat(app.path("env").path("CALICO_DCOS_NODE_JAVA").asText()).isEqualTo(DCOS_JAVA);
    }

    @Test
    void passesOnlyOptionsTheControllerCommandKnows() {
        assertThatCode(() -> CliArgs.parseAfterJar(CliArgs.args(app))).doesNotThrowAnyException();
        assertThat(CliArgs.parseAfterJar(CliArgs.args(app)).subcommand().commandSpec().name()).isEqualTo("controller");
    }

    @Test
    void takesTheServiceAccountOnlyFromTheSecretStore() {
        JsonNode credential = app.path("env").path("DCOS_SERVICE_ACCOUNT_CREDENTIAL");

        assertThat(credential.isObject()).as("a secret reference, never a plain value").isTrue();
        assertThat(app.path("secrets").path(credential.path("secret").asText()).path("source").asText()).isNotBlank();
        app.path("env").fields().forEachRemaining(e -> {
            if (e.getKey().matches(".*(CREDENTIAL|SECRET|PASSWORD|TOKEN|PRIVATE).*")) {
                assertThat(e.getValue().isObject()).as(e.getKey() + " comes from a secret").isTrue();
            }
        });
    }

    @Test
    void replacesReplicasOneAtATimeWithoutEverRunningAnExtraOne() {
        JsonNode upgrade = app.path("upgradeStrategy");
        int instances = app.path("instances").asInt();

        assertThat(instances).isEqualTo(2);
        assertThat(upgrade.path("maximumOverCapacity").asDouble()).as("never more replicas than instances").isZero();
        assertThat(Math.ceil(upgrade.path("minimumHealthCapacity").asDouble() * instances))
                .as("one replica stays up while the other is replaced").isEqualTo(instances - 1);
        assertThat(app.path("constraints").toString()).contains("[\"hostname\",\"UNIQUE\"]");
    }

    @Test
    void checksHealthAndReadinessOnTheControllersOwnEndpoints() {
        JsonNode health = app.path("healthChecks").get(0);
        JsonNode ready = app.path("readinessChecks").get(0);

        assertThat(health.path("protocol").asText()).isEqualTo("MESOS_HTTP");
        assertThat(health.path("path").asText()).isEqualTo("/healthz");
        assertThat(health.path("portIndex").asInt()).isZero();
        assertThat(ready.path("path").asText()).isEqualTo("/readyz");
        assertThat(ready.path("portName").asText()).isEqualTo(app.path("portDefinitions").get(0).path("name").asText());
    }

    @Test
    void staysOffPublicAgentsAndShowsUpOnTheDcosServicesPage() {
        JsonNode labels = app.path("labels");

        assertThat(app.path("acceptedResourceRoles").toString()).isEqualTo("[\"*\"]");
        assertThat(labels.path("DCOS_SERVICE_NAME").asText()).isEqualTo("calico-dcos");
        assertThat(labels.path("DCOS_SERVICE_PORT_INDEX").asText()).isEqualTo("0");
        assertThat(labels.path("DCOS_SERVICE_SCHEME").asText()).isEqualTo("http");
        assertThat(labels.path("DCOS_PACKAGE_FRAMEWORK_NAME").asText()).isEqualTo(CliArgs.after(CliArgs.args(app), "--framework-name"));
    }

    @Test
    void fetchesTheSameReleaseAsTheUniversePackage() {
        JsonNode resource = DeployFiles.json(DeployFiles.deploy("universe/resource.json"));

        assertThat(app.path("fetch").get(0).path("uri").asText())
                .isEqualTo(resource.path("assets").path("uris").path("calico-dcos-jar").asText());
    }
}
