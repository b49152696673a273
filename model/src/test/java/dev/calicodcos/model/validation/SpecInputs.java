package dev.calicodcos.model.validation;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.calicodcos.model.Specs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hostile spec documents, for the spec reader's properties and its fuzz target: valid seeds, the
 * tokens YAML and JSON give meaning to, byte-level mutations, and tree edits that put a wrong value
 * at any path. Everything is driven by a {@link Random}, so a failure replays from its seed.
 */
final class SpecInputs {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private SpecInputs() {}

    /** Valid documents to start from: the published examples and a few that reach other fields. */
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String example : List.of("minimal.yaml", "full.yaml", "tls.yaml")) {
            seeds.add(Specs.example(example));
        }
        seeds.add(utf8(Specs.withSpec("""
                rollout: {maxConcurrentRestarts: 3, maxFailedAgents: 2, canary: "10%", restartTimeout: 90s}
                etcdProxy:
                  upstreamEndpoints: ["https://m1:2379"]
                  upstreamTls: {caFile: /ca.pem, certFile: /c.pem, keyFile: /k.pem}
                  resources: {cpus: 0.25, memMb: 64}
                dockerClusterStore: {clusterStore: "etcd://127.0.0.1:2379"}
                node: {env: {FELIX_LOGSEVERITYSCREEN: info}}
                uninstall: false
                """)));
        seeds.add(utf8("{\"apiVersion\":\"calico-dcos.io/v1\",\"kind\":\"CalicoCluster\",\"metadata\":{\"name\":\"default\"},"
                + "\"spec\":{\"rollout\":{\"canary\":2,\"stabilityPeriod\":\"500ms\"},\"cni\":{\"mtu\":1500}}}"));
        return seeds;
    }

    /** Tokens that mean something to YAML or JSON, or to our reader's limits; some are not UTF-8. */
    static final List<byte[]> DICTIONARY = List.of(
            utf8(": "), utf8("- "), utf8("? "), utf8("&a "), utf8("*a"), utf8("!!str "), utf8("!!binary "), utf8("!x "),
            utf8("<<: *a\n"), utf8("{"), utf8("}"), utf8("["), utf8("]"), utf8(", "), utf8("\""), utf8("'"), utf8(" #"),
            utf8("|\n"), utf8(">-\n"), utf8("---\n"), utf8("...\n"), utf8("\n"), utf8("\n  "), utf8("\t"), utf8("~"),
            utf8("null"), utf8("true"), utf8("yes"), utf8("0x1F"), utf8("0o17"), utf8(".inf"), utf8("-.nan"), utf8("1e400"),
            utf8("-0"), utf8("99999999999999999999999999"), utf8("-9223372036854775809"), utf8("2147483648"), utf8("1.5"),
            utf8("1_000"), utf8("%YAML 1.1\n"), utf8("%TAG ! tag:x,2000:\n"), utf8("\\u0000"), utf8("\r\n"), utf8("\r"),
            utf8("99999999999999999999h"), utf8("9223372036854775807ms"), utf8("153722867280912931m"), utf8("\"150%\""),
            utf8("100%"), utf8("\uFEFF"), utf8("\u0000"), utf8("\u2028"), utf8("\uD83D\uDE00"),
            new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82});

    /** Every field name the schema knows, so edits reach fields the seeds leave out. */
    static final List<String> FIELD_NAMES = List.of("apiVersion", "kind", "metadata", "name", "labels", "spec", "status",
            "agents", "roles", "attributes", "exclude", "rollout", "maxConcurrentRestarts", "maxFailedAgents", "restartTimeout",
            "stabilityPeriod", "paused", "canary", "etcd", "endpoints", "tls", "caFile", "certFile", "keyFile", "etcdProxy",
            "enabled", "mode", "discoverySrv", "upstreamEndpoints", "listenAddress", "upstreamTls", "binary", "path", "url",
            "sha256", "resources", "cpus", "memMb", "dockerClusterStore", "clusterStore", "clusterAdvertise", "applyMethod",
            "takeOver", "daemonConfig", "cni", "pluginsDir", "configDir", "plugins", "calico", "calicoIpam", "networkName",
            "mtu", "logLevel", "ipam", "assignIpv4", "assignIpv6", "ipv4Pools", "agentRestart", "libnetwork", "image",
            "privileged", "node", "ignoreLooseRpf", "ipDetection", "env", "uninstall", "A.B", "", "a b");

    /** Values of every JSON type and of the sizes that break bindings: huge, negative, deep, long, NUL. */
    static List<JsonNode> hostileValues() {
        ArrayNode list = NODES.arrayNode().add("x");
        ObjectNode object = NODES.objectNode().put("a", 1);
        return List.of(NODES.textNode("text"), NODES.textNode(""), NODES.numberNode(0), NODES.numberNode(-1), NODES.numberNode(1),
                NODES.numberNode(2147483648L), NODES.numberNode(new BigInteger("99999999999999999999999999")),
                NODES.numberNode(new BigInteger("-9223372036854775809")), NODES.numberNode(new BigDecimal("1e400")),
                NODES.numberNode(new BigDecimal("1.5")), NODES.numberNode(new BigDecimal("-0.0")), NODES.booleanNode(true),
                NODES.nullNode(), NODES.arrayNode(), NODES.objectNode(), list, object, nested(70), nested(30),
                NODES.textNode("99999999999999999999h"), NODES.textNode("9223372036854775807ms"), NODES.textNode("153722867280912931m"),
                NODES.textNode("2562047788015216h"), NODES.textNode("-5m"), NODES.textNode("\u0000"), NODES.textNode("x".repeat(10_000)),
                NODES.textNode("100%"), NODES.textNode("0%"), NODES.textNode("99999999999999999999"), NODES.textNode("/"),
                NODES.textNode("http://h:99999"), NODES.textNode("a".repeat(64)), NODES.textNode("9".repeat(64)));
    }

    /** One value of each JSON type, each also of a size or form that breaks bindings. */
    static List<JsonNode> oneOfEachType() {
        return List.of(NODES.textNode("99999999999999999999h"), NODES.numberNode(new BigInteger("99999999999999999999999999")),
                NODES.numberNode(-1), NODES.numberNode(new BigDecimal("1.5")), NODES.booleanNode(true), NODES.nullNode(),
                NODES.arrayNode(), NODES.objectNode().put("a", 1), nested(70), NODES.textNode(""));
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.textNode("deep");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("k", node);
        }
        return node;
    }

    /** {@code rounds} random byte-level edits of {@code input}. */
    static byte[] mutate(byte[] input, Random random, int rounds) {
        byte[] out = input;
        for (int i = 0; i < rounds; i++) {
            out = mutateOnce(out, random);
        }
        return out;
    }

    private static byte[] mutateOnce(byte[] in, Random random) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        switch (random.nextInt(9)) {
            case 0: { // flip a byte
                if (in.length == 0) {
                    return new byte[] {(byte) random.nextInt(256)};
                }
                byte[] out = in.clone();
                int i = random.nextInt(in.length);
                out[i] = (byte) (out[i] ^ (1 << random.nextInt(8)));
                return out;
            }
            case 1: // insert a token
            case 2:
                return splice(in, at, at, DICTIONARY.get(random.nextInt(DICTIONARY.size())));
            case 3: { // delete a range
                int end = Math.min(in.length, at + 1 + random.nextInt(16));
                return splice(in, Math.min(at, end), end, new byte[0]);
            }
            case 4: { // copy one line elsewhere (duplicate keys, misplaced blocks)
                List<byte[]> lines = lines(in);
                byte[] line = lines.get(random.nextInt(lines.size()));
                lines.add(random.nextInt(lines.size() + 1), line);
                return join(lines);
            }
            case 5: { // indent or dedent one line
                List<byte[]> lines = lines(in);
                int i = random.nextInt(lines.size());
                byte[] line = lines.get(i);
                lines.set(i, random.nextBoolean() ? splice(line, 0, 0, utf8("  ")) : splice(line, 0, Math.min(2, line.length), new byte[0]));
                return join(lines);
            }
            case 6: { // replace what follows a ": " with a token
                String text = new String(in, StandardCharsets.ISO_8859_1);
                int colon = text.indexOf(": ", at == in.length ? 0 : at);
                if (colon < 0) {
                    return in;
                }
                int end = text.indexOf('\n', colon);
                return splice(in, colon + 2, end < 0 ? in.length : end, DICTIONARY.get(random.nextInt(DICTIONARY.size())));
            }
            case 7: // truncate
                return Arrays.copyOf(in, at);
            default: // insert a random byte
                return splice(in, at, at, new byte[] {(byte) random.nextInt(256)});
        }
    }

    /**
     * The seed with its tree edited at one path (chosen by {@code pathIndex} among all of them):
     * the value replaced, or removed, or a field added beside it; written as YAML or JSON.
     */
    static byte[] editTree(byte[] seed, int pathIndex, int edit, JsonNode value, boolean asJson) {
        try {
            ObjectNode root = (ObjectNode) YAML.readTree(seed);
            List<JsonPointer> paths = new ArrayList<>();
            collect(root, JsonPointer.empty(), paths);
            JsonPointer path = paths.get(Math.floorMod(pathIndex, paths.size()));
            JsonNode parent = path.head() == null ? null : root.at(path.head());
            String last = path.last() == null ? null : path.last().getMatchingProperty();
            if (parent instanceof ObjectNode object) {
                switch (Math.floorMod(edit, 3)) {
                    case 0 -> object.set(last, value);
                    case 1 -> object.remove(last);
                    default -> object.set(FIELD_NAMES.get(Math.floorMod(edit / 3, FIELD_NAMES.size())), value);
                }
            } else if (parent instanceof ArrayNode array) {
                int index = path.last().getMatchingIndex();
                if (Math.floorMod(edit, 2) == 0) {
                    array.set(index, value);
                } else {
                    array.add(value);
                }
            } else {
                root.set(FIELD_NAMES.get(Math.floorMod(edit, FIELD_NAMES.size())), value);
            }
            return asJson ? JSON.writeValueAsBytes(root) : YAML.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many paths {@link #editTree} chooses from in {@code seed}. */
    static int pathCount(byte[] seed) {
        try {
            List<JsonPointer> paths = new ArrayList<>();
            collect(YAML.readTree(seed), JsonPointer.empty(), paths);
            return paths.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> out) {
        out.add(at);
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), at.appendProperty(e.getKey()), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), at.appendIndex(i), out);
            }
        }
    }

    /** A document whose {@code spec} holds a value nested {@code depth} levels, as block YAML, flow YAML or JSON. */
    static byte[] deeplyNested(int depth, int style) {
        StringBuilder doc = new StringBuilder(Specs.MINIMAL_YAML);
        switch (Math.floorMod(style, 3)) {
            case 0 -> {
                doc.append("spec:\n");
                for (int i = 1; i <= depth; i++) {
                    doc.append("  ".repeat(i)).append("k").append(i).append(":\n");
                }
                doc.append("  ".repeat(depth + 1)).append("v: 1\n");
            }
            case 1 -> doc.append("spec: ").append("[".repeat(depth)).append("]".repeat(depth)).append('\n');
            default -> {
                return utf8("{\"apiVersion\":\"calico-dcos.io/v1\",\"kind\":\"CalicoCluster\",\"metadata\":{\"name\":\"d\"},\"spec\":"
                        + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}");
            }
        }
        return utf8(doc.toString());
    }

    private static List<byte[]> lines(byte[] in) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n') {
                lines.add(Arrays.copyOfRange(in, start, i + 1));
                start = i + 1;
            }
        }
        lines.add(Arrays.copyOfRange(in, start, in.length));
        return lines;
    }

    private static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + insert.length);
        out.write(in, 0, from);
        out.writeBytes(insert);
        out.write(in, to, in.length - to);
        return out.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
