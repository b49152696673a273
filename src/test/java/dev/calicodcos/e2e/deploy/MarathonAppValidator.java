package dev.calicodcos.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Checks a Marathon app definition the way Marathon would before accepting it: first against
 * {@code deploy/schemas/marathon-app.schema.json} (field types, ranges, enums), then the
 * AppDefinition rules that span fields, which a JSON Schema cannot express. Each rule is named
 * after what Marathon enforces.
 */
final class MarathonAppValidator {
    private static final Set<String> MESOS_CHECKS = Set.of("COMMAND", "MESOS_HTTP", "MESOS_HTTPS", "MESOS_TCP");

    private final JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(DeployFiles.json(DeployFiles.deploy("schemas/marathon-app.schema.json")));

    /** Every problem found; empty means Marathon would accept the app. */
    List<String> problems(JsonNode app) {
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : schema.validate(app)) {
            problems.add(m.getMessage());
        }
        if (problems.isEmpty()) {
            secretReferencesMustNameADeclaredSecret(app, problems);
            readinessCheckMustNameADefinedPort(app, problems);
            readinessTimeoutMustBeShorterThanItsInterval(app, problems);
            atMostOneMesosHealthCheck(app, problems);
            healthCheckPortIndexMustAddressAPort(app, problems);
            portNamesMustBeUnique(app, problems);
            singleInstanceLabelLimitsInstancesAndUpgrade(app, problems);
        }
        return problems;
    }

    private static void secretReferencesMustNameADeclaredSecret(JsonNode app, List<String> problems) {
        app.path("env").fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && !app.path("secrets").has(e.getValue().path("secret").asText())) {
                problems.add("env." + e.getKey() + ": references secret '" + e.getValue().path("secret").asText() + "', which secrets does not declare");
            }
        });
    }

    private static void readinessCheckMustNameADefinedPort(JsonNode app, List<String> problems) {
        Set<String> names = new HashSet<>();
        app.path("portDefinitions").forEach(p -> names.add(p.path("name").asText()));
        app.path("readinessChecks").forEach(rc -> {
            if (!names.contains(rc.path("portName").asText())) {
                problems.add("readinessChecks: no port definition reference for portName " + rc.path("portName").asText());
            }
        });
    }

    private static void readinessTimeoutMustBeShorterThanItsInterval(JsonNode app, List<String> problems) {
        app.path("readinessChecks").forEach(rc -> {
            // Marathon's defaults: interval 30 s, timeout 10 s.
            if (rc.path("timeoutSeconds").asInt(10) >= rc.path("intervalSeconds").asInt(30)) {
                problems.add("readinessChecks: timeoutSeconds must be smaller than intervalSeconds");
            }
        });
    }

    private static void atMostOneMesosHealthCheck(JsonNode app, List<String> problems) {
        long mesos = StreamSupport.stream(app.path("healthChecks").spliterator(), false)
                .filter(hc -> MESOS_CHECKS.contains(hc.path("protocol").asText("HTTP")))
                .count();
        if (mesos > 1) {
            problems.add("healthChecks: AppDefinition can contain at most one Mesos health check");
        }
    }

    private static void healthCheckPortIndexMustAddressAPort(JsonNode app, List<String> problems) {
        int ports = app.path("portDefinitions").size();
        app.path("healthChecks").forEach(hc -> {
            if (hc.has("portIndex") && hc.path("portIndex").asInt() >= ports) {
                problems.add("healthChecks: port index " + hc.path("portIndex").asInt() + " does not address one of the " + ports + " port definitions");
            }
        });
    }

    private static void portNamesMustBeUnique(JsonNode app, List<String> problems) {
        Set<String> seen = new HashSet<>();
        app.path("portDefinitions").forEach(p -> {
            if (p.has("name") && !seen.add(p.path("name").asText())) {
                problems.add("portDefinitions: port names must be unique");
            }
        });
    }

    private static void singleInstanceLabelLimitsInstancesAndUpgrade(JsonNode app, List<String> problems) {
        if ("true".equals(app.path("labels").path("MARATHON_SINGLE_INSTANCE_APP").asText())) {
            if (app.path("instances").asInt(1) > 1) {
                problems.add("instances: a single-instance app may have at most 1 instance");
            }
            JsonNode upgrade = app.path("upgradeStrategy");
            if (upgrade.path("minimumHealthCapacity").asDouble(1) != 0 || upgrade.path("maximumOverCapacity").asDouble(1) != 0) {
                problems.add("upgradeStrategy: a single-instance app needs minimumHealthCapacity 0 and maximumOverCapacity 0");
            }
        }
    }
}
