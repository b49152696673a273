package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValidateCommandTest {
    private final Cli cli = new Cli(options -> {
        throw new AssertionError("validate is offline and must not connect to etcd");
    });

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void publishedExamplesAreValid() throws IOException {
        Path minimal = write("minimal.yaml", Specs.exampleText("minimal.yaml"));
        Path full = write("full.yaml", Specs.exampleText("full.yaml"));
        Path tls = write("tls.yaml", Specs.exampleText("tls.yaml"));

        Cli.Run run = cli.run("validate", "-f", minimal.toString(), full.toString(), tls.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("minimal.yaml: valid (calicocluster/default)", "full.yaml: valid (calicocluster/production)");
    }

    static Stream<Arguments> badInput() {
        String spec = "apiVersion: calico-dcos.io/v1\nkind: CalicoCluster\nmetadata:\n  name: default\nspec:\n";
        return Stream.of(
                Arguments.of("yaml syntax error", spec + "  rollout: [1, 2\n", "bad.yaml:"),
                Arguments.of("json syntax error", "{\"apiVersion\": \"calico-dcos.io/v1\",}", "bad.yaml:1:"),
                Arguments.of("duplicate key", spec + "  rollout: {}\n  rollout: {}\n", "bad.yaml:7:3: duplicate key 'rollout' in spec"),
                Arguments.of("unknown field", spec + "  node:\n    imag: calico/node:v3\n", "bad.yaml:7:5: spec.node.imag: unknown field"),
                Arguments.of("wrong type", spec + "  rollout:\n    maxConcurrentRestarts: two\n",
                        "spec.rollout.maxConcurrentRestarts: must be an integer, not a string"),
                Arguments.of("out of range", spec + "  rollout:\n    maxConcurrentRestarts: 0\n",
                        "bad.yaml:7:5: spec.rollout.maxConcurrentRestarts: must be ≥ 1"),
                Arguments.of("out of range mtu", spec + "  cni:\n    mtu: 100000\n", "spec.cni.mtu: must be ≤ 9000"),
                Arguments.of("wrong apiVersion", spec.replace("calico-dcos.io/v1", "v1"), "bad.yaml:1:1: apiVersion: must be calico-dcos.io/v1"),
                Arguments.of("wrong kind", spec.replace("kind: CalicoCluster", "kind: Deployment"), "kind: must be CalicoCluster"),
                Arguments.of("missing metadata.name", "apiVersion: calico-dcos.io/v1\nkind: CalicoCluster\nmetadata: {}\n", "metadata.name: is required"),
                Arguments.of("empty file", "", "bad.yaml: file is empty"),
                Arguments.of("non-object document", "- a\n- b\n", "expected a CalicoCluster mapping at the top level, found a list"),
                Arguments.of("scalar document", "42\n", "expected a CalicoCluster mapping at the top level, found a number"),
                Arguments.of("alias bomb", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n", "YAML anchors and aliases are not allowed"),
                Arguments.of("explicit tag", spec + "  node:\n    image: !!str calico/node:v2\n", "explicit YAML tags"),
                Arguments.of("invalid etcd URL", spec + "  etcd:\n    endpoints: [\"etcd-1:2379\"]\n",
                        "spec.etcd.endpoints[0]: must be an http:// or https:// URL of the form scheme://host:port"),
                Arguments.of("invalid etcd URL port", spec + "  etcd:\n    endpoints: [\"http://etcd-1:99999\"]\n",
                        "spec.etcd.endpoints[0]: port must be between 1 and 65535"),
                Arguments.of("invalid download URL", spec + "  cni:\n    plugins:\n      calico: {url: \"ftp://x/calico\"}\n",
                        "spec.cni.plugins.calico.url: must be an http://, https:// or file:// URL"),
                Arguments.of("invalid image reference", spec + "  node:\n    image: \"Calico/Node:latest\"\n",
                        "bad.yaml:7:5: spec.node.image: is not a valid image reference"),
                Arguments.of("invalid listen address", spec + "  etcdProxy:\n    listenAddress: localhost\n",
                        "spec.etcdProxy.listenAddress: must be host:port"),
                Arguments.of("listen port out of range", spec + "  etcdProxy:\n    listenAddress: 127.0.0.1:70000\n",
                        "spec.etcdProxy.listenAddress: port must be between 1 and 65535"),
                Arguments.of("relative path", spec + "  cni:\n    configDir: etc/cni\n", "bad.yaml:7:5: spec.cni.configDir: must be an absolute path"),
                Arguments.of("dot-dot path", spec + "  cni:\n    configDir: /etc/../cni\n", "spec.cni.configDir: must be an absolute path without '.' or '..' segments"),
                Arguments.of("tls files not together", spec + "  etcd:\n    endpoints: [https://e:2379]\n    tls: {keyFile: /k.pem}\n",
                        "spec.etcd.tls.certFile: is required when keyFile is given"),
                Arguments.of("managed env", spec + "  node:\n    env: {IP: 10.0.0.1}\n", "spec.node.env.IP: is set by the node step itself"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputExitsOneWithTheFieldAndNoStackTrace(String what, String content, String expected) throws IOException {
        Path file = write("bad.yaml", content);

        Cli.Run run = cli.run("validate", "-f", file.toString());

        assertThat(run.exitCode()).as(what).isEqualTo(1);
        assertThat(run.err()).contains(file.toString().replace("bad.yaml", "") + "bad.yaml").contains(expected);
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void everyViolationIsOneLine() throws IOException {
        Path file = write("bad.yaml", Specs.withSpec("rollout:\n  maxConcurrentRestarts: 0\n  maxFailedAgents: -1\nnode:\n  colour: red\n"));

        Cli.Run run = cli.run("validate", "-f", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(3).allMatch(line -> line.startsWith(file + ":"));
    }

    @Test
    void filesOverOneMebibyteAreRefusedWithoutReadingThemWhole() throws IOException {
        Path file = write("big.yaml", Specs.MINIMAL_YAML + "# " + "x".repeat(2 * 1024 * 1024) + "\n");

        Cli.Run run = cli.run("validate", "-f", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("file is larger than 1 MiB");
    }

    @Test
    void aMissingFileIsAClearError() {
        Cli.Run run = cli.run("validate", "-f", dir.resolve("nope.yaml").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("nope.yaml: no such file");
    }

    @Test
    void oneInvalidFileAmongSeveralFailsTheRunButAllAreChecked() throws IOException {
        Path good = write("good.yaml", Specs.MINIMAL_YAML);
        Path bad = write("bad.yaml", Specs.withSpec("node:\n  privileged: maybe\n"));

        Cli.Run run = cli.run("validate", "-f", bad.toString(), good.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("good.yaml: valid");
        assertThat(run.err()).contains("spec.node.privileged: must be a boolean, not a string");
    }
}
