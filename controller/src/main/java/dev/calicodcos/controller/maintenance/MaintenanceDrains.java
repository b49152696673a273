package dev.calicodcos.controller.maintenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.plan.PlanDelta;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.model.spec.Rollout;
import dev.calicodcos.model.status.ClusterEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the master's maintenance schedule in line with the drain grants, after the plans that hold
 * them were written: the machine of every agent holding a grant with a not-before time is in the
 * schedule (a window from now for {@code drain.timeout + restartTimeout + stabilityPeriod}), and
 * leaves it once the grant is gone. Read-modify-write of the whole schedule, keeping every window
 * the operator had. Which machines we added is recorded in etcd, at {@code ClusterKeys.drainedMachines()},
 * before the schedule is written, so a new leader removes what an earlier one left. A failure never
 * blocks the rollout: it becomes an event, is tried again after {@link #RETRY}, and the not-before
 * time still gives the frameworks the timeout. Not thread-safe: the loop thread owns it.
 */
public final class MaintenanceDrains {
    /** How soon a failed schedule update is tried again. */
    public static final Duration RETRY = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceDrains.class);

    private final MaintenanceSchedule schedule;
    private final KvStore kv;
    private final String recordKey;
    private final ObjectMapper json;
    /** Drain grants as the last round's plans hold them, by agent. */
    private final Map<String, RestartGrant> grants = new HashMap<>();
    /** What etcd holds, once read this term. */
    private Optional<DrainedMachines> recorded = Optional.empty();
    /** The schedule may not hold what was recorded (an update failed): look again even if nothing changed. */
    private boolean dirty;
    private Instant retryAt = Instant.MIN;

    public MaintenanceDrains(MaintenanceSchedule schedule, KvStore kv, String recordKey, ObjectMapper json) {
        this.schedule = schedule;
        this.kv = kv;
        this.recordKey = recordKey;
        this.json = json;
    }

    /** Another leader may have written the record: read it again. */
    public void newTerm() {
        recorded = Optional.empty();
        retryAt = Instant.MIN;
    }

    /** Notes the drain grants of a round's plans (a full round lists every plan; a delta the ones that changed). */
    public void planned(PlanDelta delta) {
        delta.deletePlans().forEach(grants::remove);
        delta.plans().forEach((agentId, plan) -> plan.restartGrant().filter(g -> g.notBefore().isPresent())
                .ifPresentOrElse(g -> grants.put(agentId, g), () -> grants.remove(agentId)));
        grants.keySet().retainAll(delta.plannedAgents());
    }

    /**
     * Brings the schedule in line with the grants noted so far.
     *
     * @param machineOf the machine of a listed agent
     * @return the events to record: machines added and removed, or why the schedule could not be updated
     */
    public List<ClusterEvent> sync(KvStore.Fence fence, Rollout rollout, Function<String, Optional<Machine>> machineOf, Instant now,
                                   long specRevision) {
        if (now.isBefore(retryAt)) {
            return List.of();
        }
        List<ClusterEvent> events = new ArrayList<>();
        try {
            DrainedMachines before = recorded.orElseGet(this::readRecord);
            recorded = Optional.of(before);
            if (!dirty && grants.isEmpty() && before.agents().isEmpty()) {
                return List.of();
            }
            Map<String, ScheduleEdit.Wanted> wanted = new TreeMap<>();
            long window = rollout.drain().window(rollout).toNanos();
            grants.keySet().forEach(agentId -> machineOf.apply(agentId)
                    .ifPresent(machine -> wanted.put(agentId, new ScheduleEdit.Wanted(machine, window))));
            if (!dirty && before.agents().keySet().equals(wanted.keySet())) {
                return List.of();
            }
            dirty = true;
            ScheduleEdit edit = ScheduleEdit.of(schedule.windows(), before, wanted, nanos(now));
            Map<String, DrainedMachines.Entry> both = new TreeMap<>(before.agents());
            both.putAll(edit.recorded().agents());
            if (!write(fence, new DrainedMachines(both))) {
                return List.of(); // no longer the leader: the next one takes over from the record
            }
            if (edit.scheduleChanged()) {
                schedule.replace(edit.windows());
            }
            if (!write(fence, edit.recorded())) {
                return List.of();
            }
            recorded = Optional.of(edit.recorded());
            dirty = false;
            describe(edit, before, rollout, now, specRevision, events);
        } catch (RuntimeException e) {
            retryAt = now.plus(RETRY);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("cannot update the Mesos maintenance schedule error={}", why);
            events.add(new ClusterEvent(now, specRevision, "MaintenanceFailed", null, null, "cannot update the Mesos maintenance"
                    + " schedule: " + why + "; restarts still wait for their drain (rollout.drain.timeout " + Durations.format(rollout.drain().timeout())
                    + "), tried again in " + RETRY.toSeconds() + " s"));
        }
        return events;
    }

    private void describe(ScheduleEdit edit, DrainedMachines before, Rollout rollout, Instant now, long specRevision,
                          List<ClusterEvent> events) {
        for (String agentId : edit.added()) {
            RestartGrant grant = grants.get(agentId);
            events.add(new ClusterEvent(now, specRevision, "MaintenanceStarted", agentId, grant.step().id(),
                    edit.recorded().agents().get(agentId).machine() + " is in the Mesos maintenance schedule for "
                            + Durations.format(rollout.drain().window(rollout)) + ": frameworks that honour maintenance get inverse"
                            + " offers and move their tasks; the restart waits until " + grant.notBefore().orElseThrow()
                            + " or until none of the tasks it stops runs"));
        }
        edit.recorded().agents().forEach((agentId, entry) -> {
            if (!entry.added() && !before.agents().containsKey(agentId)) {
                events.add(new ClusterEvent(now, specRevision, "MaintenanceStarted", agentId, null, entry.machine()
                        + " is already in the operator's maintenance schedule: left as it is"));
            }
        });
        for (String agentId : edit.removed()) {
            events.add(new ClusterEvent(now, specRevision, "MaintenanceEnded", agentId, null, before.agents().get(agentId).machine()
                    + " is out of the Mesos maintenance schedule again"));
        }
    }

    private DrainedMachines readRecord() {
        Optional<Versioned> stored = kv.get(recordKey);
        if (stored.isEmpty()) {
            return DrainedMachines.NONE;
        }
        try {
            return json.readValue(stored.get().value(), DrainedMachines.class);
        } catch (IOException e) {
            LOG.warn("ignoring an unreadable record of drained machines key={} error={}", recordKey, e.getMessage());
            return DrainedMachines.NONE;
        }
    }

    private boolean write(KvStore.Fence fence, DrainedMachines record) {
        try {
            return kv.commit(fence, List.of(new KvStore.Put(recordKey, json.writeValueAsBytes(record)))).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
}
