package dev.calicodcos.controller.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.calicodcos.controller.agents.AgentSource;
import dev.calicodcos.controller.plan.ControlState;
import dev.calicodcos.controller.plan.PlanInput;
import dev.calicodcos.controller.plan.PlanResult;
import dev.calicodcos.controller.plan.Planner;
import dev.calicodcos.controller.store.KvStore;
import dev.calicodcos.controller.store.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.spec.Metadata;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.validation.Problem;
import dev.calicodcos.model.validation.ReadResult;
import dev.calicodcos.model.validation.SpecReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One level-triggered pass for one cluster: read the whole world (spec, control, plans, reports,
 * status, agents), plan, and write only what changed, in one transaction fenced by leadership.
 */
public final class ClusterReconciler implements ReconcilePass {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReconciler.class);
    /** etcd refuses transactions of more than 128 operations by default (--max-txn-ops); one is the fence. */
    static final int MAX_WRITES_PER_TXN = 100;

    private final KvStore kv;
    private final ClusterKeys keys;
    private final SpecReader reader;
    private final ObjectMapper json;
    private final ObjectWriter compact;
    private final Planner planner;
    private final AgentSource agents;
    private final Clock clock;
    private final Duration goneGracePeriod;
    private volatile LastGoodSpec lastGood;
    private volatile ClusterStatus lastStatus = ClusterStatus.empty();
    private volatile Set<String> plannedAgents = Set.of();

    public ClusterReconciler(KvStore kv, ClusterKeys keys, SpecCodec codec, AgentSource agents, Clock clock, Duration goneGracePeriod) {
        this.kv = kv;
        this.keys = keys;
        this.reader = new SpecReader(codec);
        this.json = codec.json();
        this.compact = codec.json().writer().without(SerializationFeature.INDENT_OUTPUT);
        this.planner = new Planner(codec);
        this.agents = agents;
        this.clock = clock;
        this.goneGracePeriod = goneGracePeriod;
    }

    private record LastGoodSpec(CalicoCluster cluster, long revision) {}

    /** What a pass did. */
    public enum Result { WROTE, UNCHANGED, NO_SPEC, NOT_LEADER }

    @Override
    public Result reconcile(KvStore.Fence fence) {
        Optional<Versioned> stored = kv.get(keys.spec());
        if (stored.isEmpty()) {
            return Result.NO_SPEC;
        }
        SortedMap<String, Versioned> agentKeys = kv.list(keys.agentsPrefix());
        Map<String, AgentPlan> plans = new HashMap<>();
        Map<String, AgentReport> reports = new HashMap<>();
        Map<String, byte[]> storedPlans = new HashMap<>();
        agentKeys.forEach((key, value) -> keys.agentOf(key).ifPresent(agentId -> {
            if (key.equals(keys.plan(agentId))) {
                parse(value.value(), AgentPlan.class, key).ifPresent(p -> plans.put(agentId, p));
                storedPlans.put(agentId, value.value());
            } else if (key.equals(keys.report(agentId))) {
                parse(value.value(), AgentReport.class, key).ifPresent(r -> reports.put(agentId, r));
            }
        }));

        Optional<List<String>> invalid = Optional.empty();
        ReadResult read = reader.read(stored.get().value());
        if (read instanceof ReadResult.Valid valid) {
            lastGood = new LastGoodSpec(valid.cluster(), stored.get().modRevision());
        } else {
            invalid = Optional.of(read.problems().stream().map(Problem::text).toList());
            if (lastGood == null) {
                lastGood = fromPlans(plans).orElse(null);
            }
            if (lastGood == null) {
                LOG.warn("spec is invalid and no valid spec was ever applied revision={}", stored.get().modRevision());
            }
        }
        ClusterStatus previous = kv.get(keys.status()).flatMap(v -> parse(v.value(), ClusterStatus.class, keys.status()))
                .orElse(ClusterStatus.empty());
        if (lastGood == null) {
            return writeStatusOnly(fence, previous, stored.get().modRevision(), invalid.orElse(List.of()));
        }
        ControlState control = kv.get(keys.control()).flatMap(v -> parse(v.value(), ControlState.class, keys.control()))
                .orElse(ControlState.none());

        PlanResult result = planner.plan(new PlanInput(lastGood.cluster(), lastGood.revision(), stored.get().modRevision(),
                invalid, agents.agents(), reports, plans, control, previous, clock.instant(), goneGracePeriod));
        lastStatus = result.status();
        plannedAgents = Set.copyOf(result.plans().keySet());

        // Releases before new grants: if a later batch fails, grants in etcd only ever went down.
        List<KvStore.Write> releases = new ArrayList<>();
        List<KvStore.Write> grants = new ArrayList<>();
        result.deletePlans().forEach(agentId -> releases.add(new KvStore.Delete(keys.plan(agentId))));
        result.plans().forEach((agentId, plan) -> {
            byte[] bytes = bytes(plan);
            if (!Arrays.equals(bytes, storedPlans.get(agentId))) {
                boolean newGrant = plan.restartGrant().isPresent()
                        && !plan.restartGrant().equals(Optional.ofNullable(plans.get(agentId)).flatMap(AgentPlan::restartGrant));
                (newGrant ? grants : releases).add(new KvStore.Put(keys.plan(agentId), bytes));
            }
        });
        List<KvStore.Write> writes = new ArrayList<>(releases);
        writes.addAll(grants);
        if (!sameIgnoringTime(result.status(), previous)) {
            writes.add(new KvStore.Put(keys.status(), bytes(result.status())));
        }
        if (writes.isEmpty()) {
            return Result.UNCHANGED;
        }
        for (int from = 0; from < writes.size(); from += MAX_WRITES_PER_TXN) {
            if (!kv.commit(fence, writes.subList(from, Math.min(writes.size(), from + MAX_WRITES_PER_TXN)))) {
                return Result.NOT_LEADER;
            }
        }
        LOG.debug("wrote keys count={} revision={}", writes.size(), lastGood.revision());
        return Result.WROTE;
    }

    /** The agents that had a plan after the last pass: the ones that must run a node agent. */
    public Set<String> plannedAgents() {
        return plannedAgents;
    }

    /** The status computed by the last pass (for the HTTP API), without reading etcd. */
    public ClusterStatus lastStatus() {
        return lastStatus;
    }

    private Result writeStatusOnly(KvStore.Fence fence, ClusterStatus previous, long revision, List<String> problems) {
        ClusterStatus status = new ClusterStatus(revision, 0, List.of(new Condition(
                Condition.INVALID_SPEC, "True", "ValidationFailed",
                "the spec is invalid and no valid spec was ever applied: " + String.join("; ", problems), clock.instant())),
                Map.of(), Map.of(), previous.rollout(), Map.of(), previous.events(), clock.instant());
        lastStatus = status;
        if (sameIgnoringTime(status, previous)) {
            return Result.UNCHANGED;
        }
        return kv.commit(fence, List.of(new KvStore.Put(keys.status(), bytes(status)))) ? Result.WROTE : Result.NOT_LEADER;
    }

    /** After a controller restart the plans still say which spec is in force. */
    private static Optional<LastGoodSpec> fromPlans(Map<String, AgentPlan> plans) {
        return plans.values().stream().max(Comparator.comparingLong(AgentPlan::specRevision))
                .map(p -> new LastGoodSpec(new CalicoCluster(CalicoCluster.API_VERSION, CalicoCluster.KIND,
                        new Metadata("restored", Map.of()), p.spec(), null), p.specRevision()));
    }

    private boolean sameIgnoringTime(ClusterStatus a, ClusterStatus b) {
        return Arrays.equals(bytes(withoutTime(a)), bytes(withoutTime(b)));
    }

    private static ClusterStatus withoutTime(ClusterStatus s) {
        return new ClusterStatus(s.observedGeneration(), s.appliedGeneration(), s.conditions(), s.agentCounts(), s.steps(),
                s.rollout(), s.agents(), s.events(), null);
    }

    private byte[] bytes(Object value) {
        try {
            return compact.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> Optional<T> parse(byte[] bytes, Class<T> type, String key) {
        try {
            return Optional.of(json.readValue(bytes, type));
        } catch (IOException e) {
            LOG.warn("ignoring unreadable key key={} error={}", key, e.getMessage());
            return Optional.empty();
        }
    }
}
