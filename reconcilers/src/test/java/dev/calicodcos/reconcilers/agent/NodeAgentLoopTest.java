package dev.calicodcos.reconcilers.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.reconcilers.RecordingServices;
import dev.calicodcos.reconcilers.StubbedHosts;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.TestSpecs;
import dev.calicodcos.testkit.ForwardingKvStore;
import dev.calicodcos.testkit.InMemoryKvStore;
import dev.calicodcos.testkit.InMemoryKvStore.MemoryLease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent loop on the in-memory twin of its store: how it follows its plan, reads the spec in
 * force and keeps its report under a lease. The steps run on a stubbed host (only
 * dockerClusterStore is enabled; it waits for a restart grant), so no process starts.
 */
class NodeAgentLoopTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration LEASE_TTL = Duration.ofSeconds(5);

    private final SpecCodec codec = new SpecCodec();
    private final ClusterKeys keys = new ClusterKeys(ClusterKeys.DEFAULT_PREFIX, "default");
    private final String reportKey = keys.report("agent-1");
    private final InMemoryKvStore store = new InMemoryKvStore();
    private final AtomicInteger specReads = new AtomicInteger();
    /** Counts the agent's reads of the spec in force. */
    private final ForwardingKvStore counting = new ForwardingKvStore(store) {
        @Override
        public Optional<Versioned> get(String key) {
            if (key.equals(keys.specInForce())) {
                specReads.incrementAndGet();
            }
            return super.get(key);
        }
    };

    @TempDir
    Path root;

    private NodeAgent nodeAgent;
    private Thread loop;

    /** Starts the agent; with {@code resync} of {@link #NEVER} only a wake-up makes it pass again. */
    private void start(Duration resync) throws IOException {
        Files.createDirectories(root.resolve("etc/docker"));
        RecordingServices services = new RecordingServices(Clock.systemUTC()).active("docker", Instant.now().minus(Duration.ofHours(1)));
        NodeAgentConfig config = new NodeAgentConfig("agent-1", keys, resync, resync, LEASE_TTL);
        nodeAgent = new NodeAgent(config, counting, StubbedHosts.runner(root, services, Optional.of("20.10.24")), codec);
        loop = new Thread(nodeAgent::run, "node-agent");
        loop.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (nodeAgent != null) {
            nodeAgent.close();
            loop.join(10_000);
        }
    }

    @Test
    void aPlanThatAppearsWakesTheAgentWhichReportsUnderALeaseOfItsTtl() throws IOException {
        start(NEVER);

        writePlan(1);

        assertThat(awaitReport(1).agentId()).isEqualTo("agent-1");
        assertThat(store.leaseOf(reportKey)).get().extracting(MemoryLease::ttl).isEqualTo(LEASE_TTL);
    }

    @Test
    void aPlanChangeWakesTheAgentAtOnce() throws IOException {
        start(NEVER);
        writePlan(1);
        awaitReport(1);

        writePlan(2);

        assertThat(awaitReport(2).specRevision()).isEqualTo(2);
    }

    @Test
    void whenItsLeaseExpiresTheReportGoesAndComesBackUnderANewLease() throws IOException {
        start(NEVER);
        writePlan(1);
        awaitReport(1);
        MemoryLease first = store.leaseOf(reportKey).orElseThrow();
        List<KvStore.Change> changes = new CopyOnWriteArrayList<>();
        store.watchKey(reportKey, store.revision() + 1, changes::addAll, error -> { });

        store.expireLeaseOf(reportKey);

        assertThat(changes).first().as("deleted with its lease").extracting(KvStore.Change::value).isEqualTo(Optional.empty());
        assertThat(first.lost()).isTrue();
        awaitReport(1);
        assertThat(store.leaseOf(reportKey)).get().isNotSameAs(first);
    }

    @Test
    void readsTheSpecInForceOncePerRevisionWhateverTheNumberOfPasses() throws IOException {
        start(Duration.ofMillis(20));
        writePlan(1);
        Instant firstPass = awaitReport(1).updatedAt();

        awaitPassesUntil(firstPass.plusMillis(300));
        assertThat(specReads).as("reads of revision 1").hasValue(1);

        writePlan(2);
        Instant secondRevision = awaitReport(2).updatedAt();
        awaitPassesUntil(secondRevision.plusMillis(300));
        assertThat(specReads).as("reads of revisions 1 and 2").hasValue(2);
    }

    @Test
    void afterItsWatchBreaksItReadsThePlanAgainAndKeepsFollowingIt() throws IOException {
        start(NEVER);
        writePlan(1);
        awaitReport(1);

        store.breakWatches(new StoreException("etcd connection lost", null));
        writePlan(2);

        awaitReport(2);
    }

    @Test
    void whenAnotherNodeAgentsLeaseTakesItsReportAlongItWritesItAgainUnderItsOwnLease() throws IOException {
        start(NEVER);
        writePlan(1);
        awaitReport(1);
        MemoryLease mine = store.leaseOf(reportKey).orElseThrow();
        // A second node agent on this agent (a duplicate launch) writes the report under its lease, then ends.
        KvStore.Lease duplicates = store.grantLease(LEASE_TTL, () -> { });
        store.put(reportKey, store.get(reportKey).orElseThrow().value(), duplicates);

        duplicates.close();

        awaitReport(1);
        assertThat(store.leaseOf(reportKey)).as("written again under the lease it kept").containsSame(mine);
        assertThat(mine.lost()).isFalse();
    }

    @Test
    void itsOwnReportWritesDoNotWakeItForAnotherPass() throws IOException {
        start(NEVER);
        writePlan(1);
        awaitReport(1);
        Instant lastPass = nodeAgent.lastReport().orElseThrow().updatedAt();

        // The watch on its report sees the write it just made: that is no reason for a pass.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> nodeAgent.lastReport().orElseThrow().updatedAt().equals(lastPass));
    }

    @Test
    void closingRevokesTheLeaseSoTheReportGoesAtOnce() throws IOException {
        start(NEVER);
        writePlan(1);
        awaitReport(1);

        nodeAgent.close();

        assertThat(store.get(reportKey)).isEmpty();
        assertThat(store.leaseOf(reportKey)).isEmpty();
    }

    /** As the leader writes them: the spec in force first, then the plan naming its revision. */
    private void writePlan(long revision) {
        ResolvedPlan resolved = TestHost.plan(TestSpecs.ONLY_DOCKER);
        AgentPlan plan = resolved.plan();
        store.put(keys.specInForce(), json(new SpecInForce(revision, resolved.spec())));
        store.put(keys.plan("agent-1"), json(new AgentPlan(plan.agentId(), revision, plan.stepHashes(), plan.restartGrant(),
                plan.paused(), plan.uninstall())));
    }

    private AgentReport awaitReport(long specRevision) {
        return await().atMost(Duration.ofSeconds(10))
                .until(() -> store.get(reportKey).map(this::report).orElse(null), r -> r != null && r.specRevision() == specRevision);
    }

    /** Waits until a pass ran after {@code instant} (the agent keeps its last report even when it writes none). */
    private void awaitPassesUntil(Instant instant) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodeAgent.lastReport().map(AgentReport::updatedAt).filter(at -> at.isAfter(instant)).isPresent());
    }

    private AgentReport report(Versioned value) {
        try {
            return codec.json().readValue(value.value(), AgentReport.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] json(Object document) {
        return codec.toJson(document).getBytes(StandardCharsets.UTF_8);
    }
}
