package dev.calicodcos.reconcilers.etcdproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The pure render of the proxy's systemd unit: its exact text, its quoting, and what it refuses. */
class EtcdProxyUnitTest {
    private static final String SHA = "ab".repeat(32);
    private static final UnaryOperator<String> ON_HOST = path -> path;

    static CalicoClusterSpec spec(String yaml) {
        return Specs.parse(Specs.withSpec(yaml)).spec();
    }

    private static EtcdProxyDesired render(String yaml, List<String> upstream) {
        return EtcdProxyReconciler.render(spec(yaml), Upstream.fromSpec(upstream), SHA, "127.0.0.1", ON_HOST);
    }

    @Test
    void theGatewayUnitIsASimpleServiceSystemdRestartsForever() {
        EtcdProxyDesired desired = render("etcdProxy: {resources: {cpus: 0.5, memMb: 128}}",
                List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"));

        assertThat(desired.unitFile()).isEqualTo("""
                # Written by calico-dcos (step etcdProxy); edits are replaced. etcd binary sha256 %s
                [Unit]
                Description=calico-dcos etcd proxy
                Wants=network-online.target
                After=network-online.target

                [Service]
                Type=simple
                ExecStart="/opt/calico-dcos/bin/etcd" "gateway" "start" "--listen-addr=127.0.0.1:2379" "--endpoints=10.0.0.1:2379,10.0.0.2:2379"
                Restart=always
                RestartSec=5
                CPUQuota=50%%
                MemoryLimit=128M

                [Install]
                WantedBy=multi-user.target
                """.formatted(SHA));
        assertThat(desired.argv()).containsExactly("/opt/calico-dcos/bin/etcd", "gateway", "start",
                "--listen-addr=127.0.0.1:2379", "--endpoints=10.0.0.1:2379,10.0.0.2:2379");
        assertThat(desired.bindAddress()).isEqualTo("127.0.0.1:2379");
    }

    @Test
    void aV2ProxyStartsWithAnEmptyDataDirAndDiscoversThePeersThroughSrvItself() {
        EtcdProxyDesired desired = render("etcdProxy: {mode: v2proxy, discoverySrv: etcd.example.com}", List.of());

        assertThat(desired.argv()).containsExactly("/opt/calico-dcos/bin/etcd", "--proxy=on", "--listen-client-urls=http://127.0.0.1:2379",
                "--data-dir=/var/lib/calico-dcos/etcd-proxy-data", "--discovery-srv=etcd.example.com");
        assertThat(desired.unitFile()).contains("\nExecStartPre=-/bin/rm -rf \"/var/lib/calico-dcos/etcd-proxy-data\"\nExecStart=")
                .doesNotContain("CPUQuota", "MemoryLimit");
    }

    @Test
    void aNewEtcdBinaryIsANewUnit() {
        CalicoClusterSpec spec = spec("{}");
        Upstream upstream = Upstream.fromSpec(List.of("http://10.0.0.1:2379"));

        assertThat(EtcdProxyReconciler.render(spec, upstream, "01".repeat(32), "127.0.0.1", ON_HOST).hash())
                .isNotEqualTo(EtcdProxyReconciler.render(spec, upstream, "02".repeat(32), "127.0.0.1", ON_HOST).hash());
    }

    @Test
    void theProxyBindsAndIsProbedOnThisHostsLoopback() {
        CalicoClusterSpec spec = spec("etcdProxy: {listenAddress: \"localhost:2379\"}");

        EtcdProxyDesired desired = EtcdProxyReconciler.render(spec, Upstream.fromSpec(List.of("http://10.0.0.1:2379")), SHA,
                "127.0.0.7", ON_HOST);

        assertThat(desired.argv()).contains("--listen-addr=127.0.0.7:2379");
        assertThat(desired.bindAddress()).isEqualTo("127.0.0.7:2379");
        assertThat(EtcdProxyReconciler.render(spec("etcdProxy: {listenAddress: \"10.0.0.9:2379\"}"),
                Upstream.fromSpec(List.of("http://10.0.0.1:2379")), SHA, "127.0.0.7", ON_HOST).bindAddress()).isEqualTo("10.0.0.9:2379");
    }

    /** Quotes, backslashes, specifiers, variables, separators and spaces stay inside their one argument. */
    private static final String HOSTILE_CA = "/etc/ca \"x\" $HOME ${PATH} %n %% \\ ; '.pem";

    @Test
    void hostileValuesStayOneLiteralArgument() {
        EtcdProxyDesired desired = render("etcdProxy:\n  upstreamTls: {caFile: " + yamlString(HOSTILE_CA) + "}",
                List.of("https://10.0.0.1:2379"));

        assertThat(desired.argv()).last().isEqualTo("--trusted-ca-file=" + HOSTILE_CA);
        assertThat(execStart(desired.unitFile())).endsWith(
                " \"--trusted-ca-file=/etc/ca \\\"x\\\" $$HOME $${PATH} %%n %%%% \\\\ ; '.pem\"");
    }

    @Test
    @Tag("integration")
    void systemdItselfParsesTheHostileUnitIntoTheIntendedArguments() throws Exception {
        Path systemd = Path.of("/lib/systemd/systemd");
        assumeTrue(Files.isExecutable(systemd) && Files.isExecutable(Path.of("/usr/bin/setpriv")), "no systemd here to parse units");
        EtcdProxyDesired desired = render("etcdProxy:\n  mode: v2proxy\n  upstreamTls: {caFile: " + yamlString(HOSTILE_CA)
                + ", certFile: \"/c%%d$$e\", keyFile: /k}", List.of("http://10.0.0.1:2380"));

        List<String> parsed = parsedBySystemd(systemd, desired.unitFile());

        // systemd resolves specifiers when it loads the unit, but keeps $$ until it executes the command
        // (where $$ is a literal $ and a lone $ would expand a variable).
        assertThat(parsed).isEqualTo(desired.argv().stream().map(a -> a.replace("$", "$$")).toList());
    }

    @Test
    void aControlCharacterIsRefusedNamingTheField() {
        assertThatThrownBy(() -> render("etcdProxy:\n  upstreamTls: {caFile: \"/etc/ca\\n[Service]\\nExecStartPre=/bin/sh\"}",
                List.of("https://10.0.0.1:2379")))
                .isInstanceOfSatisfying(StepFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(StepReason.UNSAFE_UNIT_VALUE);
                    assertThat(f.getMessage()).contains("spec.etcdProxy.upstreamTls.caFile", "control character (U+000A)")
                            .doesNotContain("ExecStartPre");
                });
        Upstream fromDns = new Upstream(List.of("http://10.0.0.1:2379\u0001"), "the SRV records _etcd-client._tcp.etcd.mesos");
        assertThatThrownBy(() -> EtcdProxyReconciler.render(spec("{}"), fromDns, SHA, "127.0.0.1", ON_HOST))
                .hasMessageContaining("the SRV records _etcd-client._tcp.etcd.mesos").hasMessageContaining("U+0001");
    }

    @Test
    void anExecutablePathWithADollarIsRefused() {
        assertThatThrownBy(() -> render("etcdProxy: {binary: {path: \"/opt/$x/etcd\"}}", List.of("http://10.0.0.1:2379")))
                .isInstanceOfSatisfying(StepFailure.class, f -> assertThat(f.getMessage()).contains("spec.etcdProxy.binary.path"));
    }

    private static String execStart(String unit) {
        return unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    }

    private static String yamlString(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Loads the unit with {@code systemd --test} (as an unprivileged user: systemd refuses test mode
     * as root) and turns the command line it prints back into words with bash, whose quoting its
     * printout follows.
     */
    private static List<String> parsedBySystemd(Path systemd, String unitFile) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("units");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path unit = dir.resolve("calico-dcos-test-proxy.service");
            Files.writeString(unit, unitFile);
            Files.setPosixFilePermissions(unit, PosixFilePermissions.fromString("rw-r--r--"));
            ProcessBuilder builder = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    systemd.toString(), "--test", "--system", "--unit=calico-dcos-test-proxy.service", "--no-pager")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dump").toFile());
            builder.environment().put("SYSTEMD_UNIT_PATH", dir + ":");
            Process process = builder.start();
            assumeTrue(process.waitFor(60, TimeUnit.SECONDS), "systemd --test did not finish");
            List<String> dump = Files.readAllLines(dir.resolve("dump"));
            int ours = dump.indexOf("\t-> Unit calico-dcos-test-proxy.service:");
            assumeTrue(ours >= 0, "systemd --test does not dump units here: " + String.join("\n", dump.subList(0, Math.min(5, dump.size()))));
            int end = ours + 1;
            while (end < dump.size() && !dump.get(end).startsWith("\t-> Unit ")) {
                end++;
            }
            List<String> section = dump.subList(ours, end);
            int exec = section.indexOf("\t\t-> ExecStart:");
            String execStart = section.get(exec + 1).strip().substring("Command Line: ".length());
            Process bash = new ProcessBuilder("bash", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "bash", execStart).start();
            String words = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            bash.waitFor(10, TimeUnit.SECONDS);
            return new ArrayList<>(Arrays.asList(words.substring(0, words.length() - 1).split("\0", -1)));
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
