package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.Executables;
import dev.calicodcos.testkit.ForwardingKvStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apply, get and diff against a real etcd started for this test class (like envtest). */
@Tag("integration")
class SpecCommandsAgainstEtcdTest {
    private static EtcdServer etcd;
    private static KvStore direct;

    private final Cli cli = new Cli(SpecCommandsAgainstEtcdTest::connect);
    private String prefix;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
        direct = connect(EtcdOptions.plain(etcd.endpoint()));
    }

    @AfterAll
    static void stopEtcd() {
        direct.close();
        etcd.close();
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "/test-" + UUID.randomUUID();
    }

    private static KvStore connect(EtcdOptions options) {
        return new EtcdKvStore(EtcdClients.connect(options), Duration.ofSeconds(5));
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("spec-" + UUID.randomUUID() + ".yaml");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private Cli.Run run(String command, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(command, "--etcd-endpoints", etcd.endpoint(), "--prefix", prefix));
        all.addAll(List.of(args));
        return cli.run(all.toArray(String[]::new));
    }

    private String specKey() {
        return new ClusterKeys(prefix, "default").spec();
    }

    @Test
    void applyCreatesThenLeavesAnUnchangedSpecAloneThenConfiguresAnEdit() throws IOException {
        Path file = write(Specs.MINIMAL_YAML);

        Cli.Run created = run("apply", "-f", file.toString());
        long revisionAfterCreate = direct.revision();
        Cli.Run unchanged = run("apply", "-f", file.toString());
        long revisionAfterSecondApply = direct.revision();
        Cli.Run configured = run("apply", "-f", write(Specs.withSpec("node:\n  image: calico/node:v2.6.11\n")).toString());

        assertThat(created.out()).isEqualTo("calicocluster/default created\n");
        assertThat(unchanged.out()).isEqualTo("calicocluster/default unchanged\n");
        assertThat(revisionAfterSecondApply).isEqualTo(revisionAfterCreate);
        assertThat(configured.out()).isEqualTo("calicocluster/default configured\n");
        assertThat(List.of(created.exitCode(), unchanged.exitCode(), configured.exitCode())).containsOnly(0);
        assertThat(new String(direct.get(specKey()).orElseThrow().value(), StandardCharsets.UTF_8)).contains("calico/node:v2.6.11");
    }

    @Test
    void spellingOutADefaultOrReformattingIsUnchanged() throws IOException {
        run("apply", "-f", write(Specs.MINIMAL_YAML).toString());

        Cli.Run asJson = run("apply", "-f", write("""
                {"apiVersion": "calico-dcos.io/v1", "kind": "CalicoCluster", "metadata": {"name": "default"},
                 "spec": {"rollout": {"maxConcurrentRestarts": 1, "restartTimeout": "300s"}}}
                """).toString());

        assertThat(asJson.out()).isEqualTo("calicocluster/default unchanged\n");
    }

    @Test
    void anInvalidSpecIsNeverWritten() throws IOException {
        Cli.Run run = run("apply", "-f", write(Specs.withSpec("rollout:\n  maxConcurrentRestarts: 0\n")).toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("spec.rollout.maxConcurrentRestarts: must be ≥ 1");
        assertThat(direct.get(specKey())).isEmpty();
    }

    @Test
    void aYamlSpecWrittenWithEtcdctlIsReadByGet() throws Exception {
        Path etcdctl = Executables.find("etcdctl").orElseThrow(() -> new AssertionError("etcdctl missing: apt-get install etcd-client"));
        Process put = new ProcessBuilder(etcdctl.toString(), "--endpoints", etcd.endpoint(), "put", specKey(),
                Specs.withSpec("cni:\n  mtu: 1440\n"))
                .redirectErrorStream(true).start();
        assertThat(put.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(put.exitValue()).as(new String(put.getInputStream().readAllBytes())).isZero();

        Cli.Run yaml = run("get");
        Cli.Run json = run("get", "-o", "json");

        assertThat(yaml.exitCode()).isZero();
        assertThat(yaml.out()).contains("mtu: 1440", "image: calico/node:v2.6.12", "maxConcurrentRestarts: 1");
        assertThat(json.out()).contains("\"mtu\" : 1440");
    }

    @Test
    void getOfAMissingClusterFails() {
        Cli.Run run = run("get", "--cluster", "absent");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("calicocluster/absent not found");
    }

    @Test
    void aConcurrentWriterBetweenReadAndWriteIsDetectedAndKept() throws IOException {
        run("apply", "-f", write(Specs.MINIMAL_YAML).toString());
        byte[] theirs = Specs.withSpec("node:\n  image: calico/node:v9.9.9\n").getBytes(StandardCharsets.UTF_8);
        Cli racing = new Cli(options -> new WriteAfterRead(connect(options), store -> {
            Versioned now = store.get(specKey()).orElseThrow();
            assertThat(store.putIfUnchanged(specKey(), theirs, now.modRevision())).isPresent();
        }));

        Cli.Run run = racing.run("apply", "--etcd-endpoints", etcd.endpoint(), "--prefix", prefix,
                "-f", write(Specs.withSpec("node:\n  image: calico/node:v2.6.11\n")).toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("was changed in etcd by someone else while applying");
        assertThat(direct.get(specKey()).orElseThrow().value()).isEqualTo(theirs);
    }

    @Test
    void aConcurrentCreateIsDetectedToo() throws IOException {
        byte[] theirs = Specs.MINIMAL_YAML.getBytes(StandardCharsets.UTF_8);
        Cli racing = new Cli(options -> new WriteAfterRead(connect(options),
                store -> assertThat(store.putIfUnchanged(specKey(), theirs, 0)).isPresent()));

        Cli.Run run = racing.run("apply", "--etcd-endpoints", etcd.endpoint(), "--prefix", prefix,
                "-f", write(Specs.withSpec("cni:\n  mtu: 1400\n")).toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(direct.get(specKey()).orElseThrow().value()).isEqualTo(theirs);
    }

    @Test
    void diffShowsFieldsAndTheStepsThatWouldRerun() throws IOException {
        run("apply", "-f", write(Specs.MINIMAL_YAML).toString());

        Cli.Run same = run("diff", "-f", write(Specs.MINIMAL_YAML).toString());
        Cli.Run changed = run("diff", "-f", write(Specs.withSpec("node:\n  image: calico/node:v3\nrollout:\n  paused: true\n")).toString());

        assertThat(same.exitCode()).isZero();
        assertThat(same.out()).isEqualTo("calicocluster/default unchanged\n");
        assertThat(changed.exitCode()).isEqualTo(1);
        assertThat(changed.out()).contains(
                "~ spec.node.image: \"calico/node:v2.6.12\" → \"calico/node:v3\"",
                "~ spec.rollout.paused: false → true");
        assertThat(changed.out()).containsPattern("steps to re-run on every selected agent: node \\([0-9a-f]{12} → [0-9a-f]{12}\\)\n");
    }

    @Test
    void diffForecastsFromTheAgentsReportsWhichOfThemRestart() throws IOException {
        run("apply", "-f", write(Specs.MINIMAL_YAML).toString());
        ClusterKeys keys = new ClusterKeys(prefix, "default");
        ClusterDocuments documents = new ClusterDocuments(keys, new SpecCodec());
        Map<StepName, String> hashes = new StepHashes(new SpecCodec()).of(Specs.minimal().spec());
        Map<StepName, StepReport> done = Arrays.stream(StepName.values()).collect(Collectors.toMap(step -> step,
                step -> new StepReport(StepPhase.DONE, "d", Optional.of("d"), Optional.empty(), "done", Instant.EPOCH)));
        for (String[] agent : List.of(new String[] {"old", "1.0.3"}, new String[] {"new", "1.10.0"})) {
            AgentFacts facts = new AgentFacts(agent[0] + "-host", Optional.empty(), Optional.of("20.10.24"), Optional.of(agent[1]),
                    Optional.empty(), false, false);
            direct.putIfUnchanged(keys.plan(agent[0]), documents.encode(new AgentPlan(agent[0], 1, hashes, Optional.empty(), false, false)), 0);
            direct.putIfUnchanged(keys.report(agent[0]), documents.encode(new AgentReport(agent[0], "test", 1, facts, List.of(), done,
                    Instant.EPOCH)), 0);
        }
        Path edit = write(Specs.withSpec("cni:\n  mtu: 1400\n"));

        Cli.Run table = run("diff", "-f", edit.toString());
        Cli.Run json = run("diff", "-f", edit.toString(), "-o", "json");

        assertThat(table.exitCode()).isEqualTo(1);
        assertThat(table.out()).contains("2 agents rerun cni; 1 will restart the Mesos agent (Mesos 1.0)\n",
                "at least 1 wave (1 disruptive step on 1 agent)", "old    old-host  -   cni     restart the Mesos agent (Mesos 1.0)\n");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode forecast = new ObjectMapper().readTree(json.out()).get("forecast");
        assertThat(forecast.get("disruptiveAgents").asInt()).isEqualTo(1);
        assertThat(forecast.get("agents").get(0).get("actions").get(0).get("effect").asText()).isEqualTo("RESTART_MESOS_AGENT");
    }

    @Test
    void diffAgainstNothingStoredShowsEveryStepAsNew() throws IOException {
        Cli.Run run = run("diff", "-f", write(Specs.MINIMAL_YAML).toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("+ spec: ", "etcdProxy (new → ", "node (new → ");
    }

    @Test
    void diffOfAnInvalidFileExitsTwo() throws IOException {
        Cli.Run run = run("diff", "-f", write("kind: [").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isNotEmpty().doesNotContain("\tat ");
    }

    @Test
    void anUnreachableEtcdIsOneLineOnStderr() throws IOException {
        Cli quick = new Cli(options -> new EtcdKvStore(EtcdClients.connect(options), Duration.ofMillis(500)));
        String nowhere = "http://127.0.0.1:" + dev.calicodcos.testkit.FreePorts.next();

        Cli.Run apply = quick.run("apply", "--etcd-endpoints", nowhere, "-f", write(Specs.MINIMAL_YAML).toString());
        Cli.Run diff = quick.run("diff", "--etcd-endpoints", nowhere, "-f", write(Specs.MINIMAL_YAML).toString());

        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.err()).startsWith("error: etcd did not answer within").doesNotContain("\tat ");
        assertThat(diff.exitCode()).isEqualTo(2);
    }

    /** A real store whose first read is followed by someone else's write, before ours. */
    private static final class WriteAfterRead extends ForwardingKvStore {
        private final KvStore delegate;
        private final Consumer<KvStore> otherWriter;
        private boolean raced;

        WriteAfterRead(KvStore delegate, Consumer<KvStore> otherWriter) {
            super(delegate);
            this.delegate = delegate;
            this.otherWriter = otherWriter;
        }

        @Override
        public Optional<Versioned> get(String key) {
            Optional<Versioned> value = delegate.get(key);
            if (!raced) {
                raced = true;
                otherWriter.accept(delegate);
            }
            return value;
        }
    }
}
