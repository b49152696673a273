package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.validation.ReadResult;
import dev.calicodcos.model.validation.SpecReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** {@code deploy/universe/}: the package users install with {@code dcos package install calico-dcos}. */
class UniversePackageTest {
    private static final String SPEC_ENV = "CALICO_DCOS_INITIAL_SPEC";

    private final UniverseRenderer universe = new UniverseRenderer();
    private final MarathonAppValidator marathon = new MarathonAppValidator();
    private final JsonNode fullOptions = DeployFiles.json(DeployFiles.deploy("examples/universe-options-full.json"));
    private final JsonNode calicoClusterSchema = DeployFiles.json(DeployFiles.projectDir().resolve("crd-like-schemas/calicocluster.v1.schema.json"));

    /**
     * Where each option of config.json lands in the rendered app, checked with the full options
     * file (every value there differs from its default). A new option without a line here fails
     * {@link #everyOptionReachesTheApp()}.
     */
    private static Map<String, BiConsumer<JsonNode, JsonNode>> whereOptionsLand() {
        Map<String, BiConsumer<JsonNode, JsonNode>> where = new LinkedHashMap<>();
        where.put("service.name", (app, v) -> {
            assertThat(app.path("id").asText()).isEqualTo("/" + v.asText());
            assertThat(arg(app, "--framework-name")).isEqualTo(v.asText());
            assertThat(app.path("labels").path("DCOS_SERVICE_NAME").asText()).isEqualTo(v.asText());
            assertThat(app.path("labels").path("DCOS_PACKAGE_FRAMEWORK_NAME").asText()).isEqualTo(v.asText());
        });
        where.put("service.instances", (app, v) -> assertThat(app.path("instances").asInt()).isEqualTo(v.asInt()));
        where.put("service.cpus", (app, v) -> assertThat(app.path("cpus").asDouble()).isEqualTo(v.asDouble()));
        where.put("service.mem", (app, v) -> assertThat(app.path("mem").asDouble()).isEqualTo(v.asDouble()));
        where.put("service.heap_mb", (app, v) -> assertThat(env(app, "JDK_JAVA_OPTIONS")).startsWith("-Xmx" + v.asInt() + "m"));
        where.put("service.user", (app, v) -> assertThat(app.path("user").asText()).isEqualTo(v.asText()));
        where.put("service.role", (app, v) -> assertThat(arg(app, "--framework-role")).isEqualTo(v.asText()));
        where.put("service.service_account_secret", (app, v) -> {
            assertThat(app.path("secrets").path("serviceCredential").path("source").asText()).isEqualTo(v.asText());
            assertThat(app.path("env").path("DCOS_SERVICE_ACCOUNT_CREDENTIAL").path("secret").asText()).isEqualTo("serviceCredential");
        });
        where.put("service.mesos_master", (app, v) -> assertThat(env(app, "CALICO_DCOS_MESOS_MASTER")).isEqualTo(v.asText()));
        where.put("service.admin_router", (app, v) -> assertThat(CliArgs.args(app).contains("--admin-router")).isEqualTo(v.asBoolean()));
        where.put("service.dcos_url", (app, v) -> assertThat(env(app, "CALICO_DCOS_DCOS_URL")).isEqualTo(v.asText()));
        where.put("service.truststore_url", (app, v) -> {
            assertThat(app.path("fetch").findValuesAsText("uri")).contains(v.asText());
            assertThat(env(app, "JDK_JAVA_OPTIONS")).contains(" -Djavax.net.ssl.trustStore=dcos-truststore.p12 ");
        });
        where.put("service.advertise_url", (app, v) -> assertThat(env(app, "CALICO_DCOS_ADVERTISE_URL")).isEqualTo(v.asText()));
        where.put("service.resync", (app, v) -> assertThat(arg(app, "--resync")).isEqualTo(v.asText()));
        where.put("service.agent_poll", (app, v) -> assertThat(arg(app, "--agent-poll")).isEqualTo(v.asText()));
        where.put("service.gone_grace", (app, v) -> assertThat(arg(app, "--gone-grace")).isEqualTo(v.asText()));
        where.put("service.lease_ttl", (app, v) -> assertThat(arg(app, "--lease-ttl")).isEqualTo(v.asText()));
        where.put("etcd.endpoints", (app, v) -> assertThat(env(app, "CALICO_DCOS_ETCD_ENDPOINTS")).isEqualTo(v.asText()));
        for (String file : List.of("cacert", "cert", "key")) {
            where.put("etcd." + file, (app, v) -> {
                assertThat(env(app, "CALICO_DCOS_ETCD_" + file.toUpperCase(java.util.Locale.ROOT))).isEqualTo(v.asText());
                assertThat(mountedFiles(app)).as("the image sees the agent's file at the same path").contains(v.asText());
            });
        }
        where.put("etcd.prefix", (app, v) -> assertThat(arg(app, "--prefix")).isEqualTo(v.asText()));
        where.put("node_agents.enabled", (app, v) -> assertThat(CliArgs.args(app).contains("--no-node-agents")).isEqualTo(!v.asBoolean()));
        where.put("node_agents.cpus", (app, v) -> assertThat(Double.parseDouble(arg(app, "--node-cpus"))).isEqualTo(v.asDouble()));
        where.put("node_agents.mem", (app, v) -> assertThat(Double.parseDouble(arg(app, "--node-mem"))).isEqualTo(v.asDouble()));
        where.put("node_agents.etcd_endpoints", (app, v) -> assertThat(env(app, "CALICO_DCOS_NODE_ETCD_ENDPOINTS")).isEqualTo(v.asText()));
        where.put("calico.name", (app, v) -> {
            assertThat(arg(app, "--cluster")).isEqualTo(v.asText());
            assertThat(initialSpec(app).at("/metadata/name").asText()).isEqualTo(v.asText());
        });
        for (String field : List.of("rollout.maxConcurrentRestarts", "rollout.maxFailedAgents", "etcdProxy.enabled", "etcdProxy.discoverySrv",
                "dockerClusterStore.enabled", "cni.enabled", "libnetwork.enabled", "libnetwork.image", "node.enabled", "node.image")) {
            where.put("calico." + field, (app, v) -> assertThat(initialSpec(app).at("/spec/" + field.replace('.', '/'))).isEqualTo(v));
        }
        return where;
    }

    @Test
    void rendersAValidMarathonAppWithTheDefaults() {
        JsonNode app = universe.renderJson(emptyOptions());

        assertThat(marathon.problems(app)).isEmpty();
        assertThat(app.has("secrets")).as("no secret store on open DC/OS unless asked for").isFalse();
        assertThat(app.path("env").has("DCOS_SERVICE_ACCOUNT_CREDENTIAL")).isFalse();
    }

    @Test
    void theControllerRunsFromThePackagesImageNeverOnTheAgentsJava() {
        for (JsonNode options : List.of(emptyOptions(), fullOptions)) {
            JsonNode app = universe.renderJson(options);

            assertThat(app.path("container").path("docker").path("image").asText())
                    .isEqualTo(DeployFiles.json(DeployFiles.deploy("universe/resource.json")).at("/assets/container/docker/calico-dcos").asText());
            assertThat(CliArgs.args(app).get(0)).isEqualTo("controller");
            assertThat(universe.render(options)).doesNotContain("/opt/mesosphere").doesNotContain("CALICO_DCOS_NODE_JAVA");
        }
    }

    @Test
    void eachCombinationOfEtcdTlsFilesIsMountedIntoAValidApp() {
        List<List<String>> combinations = List.of(List.of("cacert"), List.of("cert", "key"), List.of("cacert", "cert", "key"), List.of("key"));
        for (List<String> files : combinations) {
            ObjectNode options = emptyOptions();
            ObjectNode etcd = options.putObject("etcd");
            files.forEach(f -> etcd.put(f, "/etc/calico-dcos/etcd/" + f + ".pem"));

            JsonNode app = universe.renderJson(options);

            assertThat(marathon.problems(app)).as(files.toString()).isEmpty();
            assertThat(mountedFiles(app)).as(files.toString())
                    .containsExactlyElementsOf(files.stream().map(f -> "/etc/calico-dcos/etcd/" + f + ".pem").toList());
        }
    }

    @Test
    void rendersAValidMarathonAppWithEveryOptionSet() {
        JsonNode app = universe.renderJson(fullOptions);

        assertThat(marathon.problems(app)).isEmpty();
    }

    @Test
    void rendersTheDefaultsToTheSameControllerAsControllerJson() {
        ObjectNode rendered = (ObjectNode) universe.renderJson(emptyOptions());
        ObjectNode plain = (ObjectNode) DeployFiles.json(DeployFiles.deploy("controller.json"));
        ((ObjectNode) rendered.get("env")).remove(SPEC_ENV);
        assertThat(rendered.path("container").path("volumes").isEmpty()).as("no etcd TLS files to mount").isTrue();
        ((ObjectNode) rendered.get("container")).remove("volumes");

        assertThat(argsWithout(rendered, "--resync", "--agent-poll", "--gone-grace", "--lease-ttl", "--node-cpus", "--node-mem", "--service-account-env"))
                .isEqualTo(CliArgs.args(plain));
        rendered.remove("args");
        plain.remove("args");
        assertThat(rendered).isEqualTo(plain);
    }

    @Test
    void passesOnlyOptionsTheControllerCommandKnows() {
        assertThatCode(() -> CliArgs.parseCommand(CliArgs.args(universe.renderJson(emptyOptions())))).doesNotThrowAnyException();
        assertThatCode(() -> CliArgs.parseCommand(CliArgs.args(universe.renderJson(fullOptions)))).doesNotThrowAnyException();
    }

    @Test
    void theFullOptionsFileIsValidAndSetsEveryOptionToANonDefaultValue() {
        JsonSchema config = configSchema();
        Map<String, JsonNode> defaults = leaves(universe.defaults(), "");
        Map<String, JsonNode> full = leaves(fullOptions, "");

        assertThat(config.validate(fullOptions)).isEmpty();
        assertThat(full.keySet()).containsExactlyInAnyOrderElementsOf(defaults.keySet());
        full.forEach((path, value) -> assertThat(value).as(path).isNotEqualTo(defaults.get(path)));
    }

    @Test
    void everyOptionReachesTheApp() {
        Map<String, BiConsumer<JsonNode, JsonNode>> where = whereOptionsLand();
        JsonNode app = universe.renderJson(fullOptions);
        Map<String, JsonNode> options = leaves(fullOptions, "");

        assertThat(where.keySet()).as("options of config.json").containsExactlyInAnyOrderElementsOf(leaves(universe.defaults(), "").keySet());
        options.forEach((path, value) -> where.get(path).accept(app, value));
    }

    @Test
    void theInitialSpecIsAValidCalicoClusterWithTheDefaultsAndWithEveryOptionSet() {
        SpecReader reader = new SpecReader(new SpecCodec());
        for (JsonNode options : List.of(emptyOptions(), fullOptions)) {
            ReadResult result = reader.read(env(universe.renderJson(options), SPEC_ENV).getBytes(StandardCharsets.UTF_8));

            assertThat(result).as(result.toString()).isInstanceOf(ReadResult.Valid.class);
        }
    }

    @Test
    void calicoDefaultsEqualTheCalicoClusterSchemaDefaults() {
        leaves(universe.defaults().path("calico"), "").forEach((path, value) -> {
            if (path.equals("name")) {
                assertThat(value.asText()).isEqualTo(ClusterKeys.DEFAULT_CLUSTER);
                return;
            }
            JsonNode option = configProperty("calico." + path);
            JsonNode field = specField(path);
            assertThat(value).as("default of calico." + path).isEqualTo(field.get("default"));
            for (String bound : List.of("minimum", "maximum", "type")) {
                if (field.has(bound)) {
                    assertThat(option.get(bound)).as(bound + " of calico." + path).isEqualTo(field.get(bound));
                }
            }
        });
    }

    @Test
    void controllerSettingsDefaultToTheControllersOwnDefaults() {
        Map<String, String> flags = Map.ofEntries(
                Map.entry("service.name", "--framework-name"), Map.entry("service.role", "--framework-role"),
                Map.entry("service.mesos_master", "--mesos-master"), Map.entry("service.dcos_url", "--dcos-url"),
                Map.entry("service.resync", "--resync"), Map.entry("service.agent_poll", "--agent-poll"),
                Map.entry("service.gone_grace", "--gone-grace"), Map.entry("service.lease_ttl", "--lease-ttl"),
                Map.entry("etcd.prefix", "--prefix"), Map.entry("calico.name", "--cluster"));
        Map<String, JsonNode> defaults = leaves(universe.defaults(), "");

        flags.forEach((option, flag) -> assertThat(defaults.get(option).asText()).as(option).isEqualTo(CliArgs.defaultOf("controller", flag)));
        assertThat(defaults.get("node_agents.cpus").asDouble()).isEqualTo(Double.parseDouble(CliArgs.defaultOf("controller", "--node-cpus")));
        assertThat(defaults.get("node_agents.mem").asDouble()).isEqualTo(Double.parseDouble(CliArgs.defaultOf("controller", "--node-mem")));
    }

    @Test
    void rejectsOptionValuesThatCouldBreakOutOfTheTemplatesJsonStrings() {
        JsonSchema config = configSchema();
        for (String hostile : List.of("http://x\", \"cmd\": \"rm -rf /", "http://x\\\"", "calico\nname")) {
            ObjectNode options = emptyOptions();
            options.putObject("etcd").put("endpoints", hostile);
            options.putObject("calico").put("name", hostile);
            options.putObject("service").put("truststore_url", hostile);

            assertThat(config.validate(options)).as(hostile).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void packageJsonHasWhatCosmosRequires() {
        JsonNode pkg = DeployFiles.json(DeployFiles.deploy("universe/package.json"));

        assertThat(pkg.path("packagingVersion").asText()).isEqualTo("4.0");
        assertThat(pkg.path("name").asText()).isEqualTo("calico-dcos");
        for (String required : List.of("version", "maintainer", "description")) {
            assertThat(pkg.path(required).asText()).as(required).isNotBlank();
        }
        assertThat(pkg.path("tags").isArray()).isTrue();
        assertThat(pkg.path("framework").asBoolean()).isTrue();
        assertThat(pkg.has("command")).as("command.json/command is forbidden from packaging version 4.0").isFalse();
    }

    private JsonSchema configSchema() {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(universe.config());
    }

    private JsonNode configProperty(String dotted) {
        JsonNode node = universe.config();
        for (String segment : dotted.split("\\.")) {
            node = node.path("properties").path(segment);
        }
        return node;
    }

    /** A field of the CalicoCluster schema under spec, following its $refs. */
    private JsonNode specField(String dotted) {
        JsonNode node = resolve(calicoClusterSchema.path("$defs").path("spec"));
        for (String segment : dotted.split("\\.")) {
            JsonNode property = node.path("properties").path(segment);
            JsonNode target = resolve(property);
            // A property with its own default next to a $ref keeps that default.
            node = property.has("default") && !target.has("default") ? ((ObjectNode) target.deepCopy()).set("default", property.get("default")) : target;
        }
        return node;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            JsonNode target = calicoClusterSchema.at(node.get("$ref").asText().substring(1));
            if (node.has("default")) {
                target = ((ObjectNode) target.deepCopy()).set("default", node.get("default"));
            }
            node = target;
        }
        return node;
    }

    private static Map<String, JsonNode> leaves(JsonNode node, String prefix) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                out.putAll(leaves(e.getValue(), path));
            } else {
                out.put(path, e.getValue());
            }
        }
        return out;
    }

    private static ObjectNode emptyOptions() {
        return DeployFiles.JSON.createObjectNode();
    }

    private static String arg(JsonNode app, String flag) {
        return CliArgs.after(CliArgs.args(app), flag);
    }

    private static String env(JsonNode app, String name) {
        JsonNode value = app.path("env").get(name);
        assertThat(value).as("env " + name).isNotNull();
        return value.asText();
    }

    /** The host files mounted into the controller's container (at the same path). */
    private static List<String> mountedFiles(JsonNode app) {
        List<String> files = new ArrayList<>();
        app.path("container").path("volumes").forEach(v -> {
            assertThat(v.path("containerPath").asText()).isEqualTo(v.path("hostPath").asText());
            assertThat(v.path("mode").asText()).isEqualTo("RO");
            files.add(v.path("hostPath").asText());
        });
        return files;
    }

    private static JsonNode initialSpec(JsonNode app) {
        return DeployFiles.json(env(app, SPEC_ENV));
    }

    private static List<String> argsWithout(JsonNode app, String... flagsWithValues) {
        List<String> argv = new ArrayList<>(CliArgs.args(app));
        for (String flag : flagsWithValues) {
            int i = argv.indexOf(flag);
            if (i >= 0) {
                argv.subList(i, i + 2).clear();
            }
        }
        return argv;
    }
}
