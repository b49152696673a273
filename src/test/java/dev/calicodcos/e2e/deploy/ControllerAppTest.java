package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.controller.artifacts.NodeArtifacts;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The apps users add with {@code dcos marathon app add}: {@code deploy/controller.json} (from the
 * container image) and {@code deploy/controller-fetch.json} (the jar on the runtime tarball, where
 * no image can be used).
 */
class ControllerAppTest {
    private static final String IMAGE_APP = "controller.json";
    private static final String FETCH_APP = "controller-fetch.json";

    private final MarathonAppValidator marathon = new MarathonAppValidator();
    private final JsonNode image = app(IMAGE_APP);
    private final JsonNode fetch = app(FETCH_APP);
    private final JsonNode resource = DeployFiles.json(DeployFiles.deploy("universe/resource.json"));
    private final String release = DeployFiles.json(DeployFiles.deploy("universe/package.json")).path("version").asText();

    private static JsonNode app(String file) {
        return DeployFiles.json(DeployFiles.deploy(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {IMAGE_APP, FETCH_APP})
    void isAValidMarathonAppWithoutSecretsSoOpenDcosAcceptsIt(String file) {
        JsonNode app = app(file);

        assertThat(marathon.problems(app)).isEmpty();
        // Open DC/OS runs Marathon without the "secrets" feature and refuses such apps (422).
        assertThat(app.has("secrets")).isFalse();
        app.path("env").properties().forEach(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {IMAGE_APP, FETCH_APP})
    void withTheServiceAccountSecretAddedItIsValidForDcosEnterprise(String file) {
        ObjectNode enterprise = app(file).deepCopy();
        ((ObjectNode) enterprise.get("env")).putObject("DCOS_SERVICE_ACCOUNT_CREDENTIAL").put("secret", "serviceCredential");
        enterprise.putObject("secrets").putObject("serviceCredential").put("source", "calico-dcos/service-account-secret");

        assertThat(marathon.problems(enterprise)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {IMAGE_APP, FETCH_APP})
    void neverRunsTheAgentsOwnJava(String file) {
        // DC/OS ships Java 8 there; the jar needs 17.
        assertThat(DeployFiles.text(DeployFiles.deploy(file))).doesNotContain("/opt/mesosphere").doesNotContain("CALICO_DCOS_NODE_JAVA");
    }

    @Test
    void theImageAppRunsTheImageOfTheUniversePackageWithTheControllerCommand() {
        assertThat(image.path("container").path("type").asText()).isEqualTo("MESOS");
        assertThat(image.path("container").path("docker").path("image").asText())
                .isEqualTo(resource.path("assets").path("container").path("docker").path("calico-dcos").asText())
                .endsWith(":" + release);
        assertThat(image.has("fetch")).isFalse();
        assertThat(image.has("cmd")).as("no shell command line").isFalse();
        // The image's entrypoint is java ... -jar calico-dcos.jar; args follow it.
        assertThat(CliArgs.args(image).get(0)).isEqualTo("controller");
    }

    @Test
    void theFetchAppRunsTheJarOnTheFetchedRuntimeWithoutAShell() {
        List<String> argv = CliArgs.args(fetch);
        JsonNode runtime = fetch.path("fetch").get(0);
        JsonNode jar = fetch.path("fetch").get(1);

        assertThat(fetch.has("cmd")).as("no shell command line").isFalse();
        assertThat(argv.get(0)).isEqualTo("calico-dcos-runtime/bin/java");
        assertThat(argv).containsSubsequence("-jar", "calico-dcos.jar", "controller");
        assertThat(runtime.path("uri").asText()).endsWith("/v" + release + "/" + NodeArtifacts.runtimeFileName(release));
        assertThat(runtime.path("extract").asBoolean()).isTrue();
        assertThat(runtime.has("destPath")).as("keeps its name, so the controller finds it beside the jar").isFalse();
        assertThat(jar.path("uri").asText()).endsWith("/v" + release + "/calico-dcos.jar");
        assertThat(jar.path("destPath").asText()).isEqualTo("calico-dcos.jar");
    }

    @Test
    void bothAppsRunTheSameControllerApartFromHowJavaIsStarted() {
        ObjectNode imageRest = image.deepCopy();
        ObjectNode fetchRest = fetch.deepCopy();
        List<String> fetchArgs = CliArgs.args(fetch);

        assertThat(fetchArgs.subList(fetchArgs.indexOf("controller"), fetchArgs.size())).isEqualTo(CliArgs.args(image));
        assertThat(fetchArgs).contains("-Xmx384m");
        assertThat(image.path("env").path("JDK_JAVA_OPTIONS").asText()).isEqualTo("-Xmx384m");
        for (ObjectNode app : List.of(imageRest, fetchRest)) {
            app.remove(List.of("container", "fetch", "args"));
            ((ObjectNode) app.get("env")).remove("JDK_JAVA_OPTIONS");
        }
        assertThat(fetchRest).isEqualTo(imageRest);
    }

    @ParameterizedTest
    @ValueSource(strings = {IMAGE_APP, FETCH_APP})
    void passesOnlyOptionsTheControllerCommandKnows(String file) {
        List<String> argv = CliArgs.args(app(file));

        assertThatCode(() -> CliArgs.parseCommand(argv)).doesNotThrowAnyException();
        assertThat(CliArgs.parseCommand(argv).subcommand().commandSpec().name()).isEqualTo("controller");
    }

    @Test
    void replacesReplicasOneAtATimeWithoutEverRunningAnExtraOne() {
        JsonNode upgrade = image.path("upgradeStrategy");
        int instances = image.path("instances").asInt();

        assertThat(instances).isEqualTo(2);
        assertThat(upgrade.path("maximumOverCapacity").asDouble()).as("never more replicas than instances").isZero();
        assertThat(Math.ceil(upgrade.path("minimumHealthCapacity").asDouble() * instances))
                .as("one replica stays up while the other is replaced").isEqualTo(instances - 1);
        assertThat(image.path("constraints").toString()).contains("[\"hostname\",\"UNIQUE\"]");
    }

    @Test
    void checksHealthAndReadinessOnTheControllersOwnEndpoints() {
        JsonNode health = image.path("healthChecks").get(0);
        JsonNode ready = image.path("readinessChecks").get(0);

        assertThat(health.path("protocol").asText()).isEqualTo("MESOS_HTTP");
        assertThat(health.path("path").asText()).isEqualTo("/healthz");
        assertThat(health.path("portIndex").asInt()).isZero();
        assertThat(ready.path("path").asText()).isEqualTo("/readyz");
        assertThat(ready.path("portName").asText()).isEqualTo(image.path("portDefinitions").get(0).path("name").asText());
    }

    @Test
    void staysOffPublicAgentsAndShowsUpOnTheDcosServicesPage() {
        JsonNode labels = image.path("labels");

        assertThat(image.path("acceptedResourceRoles").toString()).isEqualTo("[\"*\"]");
        assertThat(labels.path("DCOS_SERVICE_NAME").asText()).isEqualTo("calico-dcos");
        assertThat(labels.path("DCOS_SERVICE_PORT_INDEX").asText()).isEqualTo("0");
        assertThat(labels.path("DCOS_SERVICE_SCHEME").asText()).isEqualTo("http");
        assertThat(labels.path("DCOS_PACKAGE_FRAMEWORK_NAME").asText()).isEqualTo(CliArgs.after(CliArgs.args(image), "--framework-name"));
    }
}
