package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.Redaction;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.log.FailureLog;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One pass over the five steps for one plan: pre-flight, then removal of disabled steps (reverse
 * order), then the enabled steps in order, each starting only when the ones before it are settled.
 * Synchronous and without timing: the {@link NodeAgent} loop decides when to call it again, and
 * tests call it directly.
 */
public final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

    private final List<StepReconciler> steps;
    private final Preflight preflight;
    private final RestartGate gate;
    private final Clock clock;
    private final String version;
    private final Map<StepName, FailureLog> failures = new EnumMap<>(StepName.class);

    /** @param steps one per {@link StepName}, in step order */
    public StepRunner(List<StepReconciler> steps, Preflight preflight, RestartGate gate, Clock clock, String version) {
        this.steps = List.copyOf(steps);
        this.preflight = preflight;
        this.gate = gate;
        this.clock = clock;
        this.version = version;
        for (StepName name : StepName.values()) {
            failures.put(name, new FailureLog(LOG));
        }
    }

    public AgentReport runOnce(ResolvedPlan resolved, Optional<AgentReport> previous) {
        AgentPlan plan = resolved.plan();
        CalicoClusterSpec spec = resolved.spec();
        PreflightResult pre = preflight.run();
        StepContext context = new StepContext(resolved, pre.facts(), pre.ipProblem());
        Map<StepName, StepOutcome> outcomes = new EnumMap<>(StepName.class);
        if (!pre.blockers().isEmpty()) {
            String why = String.join("; ", blockerTexts(pre));
            for (StepReconciler step : steps) {
                outcomes.put(step.name(), new StepOutcome(StepPhase.BLOCKED, reportedHash(plan, step), Optional.empty(),
                        Optional.of(pre.blockers().get(0).reason()), why));
            }
            return report(plan, pre, outcomes, previous);
        }
        List<StepReconciler> reversed = new ArrayList<>(steps);
        Collections.reverse(reversed);
        boolean blocked = false;
        for (StepReconciler step : reversed) {
            if (plan.uninstall() || !step.name().enabledIn(spec)) {
                StepOutcome outcome = blocked ? notRun(plan, step, "waiting for a later step's removal")
                        : mayStart(plan, step) ? attempt(() -> step.remove(context), plan, step) : paused(plan, step, previous);
                outcomes.put(step.name(), outcome);
                blocked |= plan.uninstall() && !outcome.phase().settled();
            }
        }
        if (!plan.uninstall()) {
            Optional<StepName> waitingFor = Optional.empty();
            for (StepReconciler step : steps) {
                if (!step.name().enabledIn(spec)) {
                    continue;
                }
                StepOutcome outcome = waitingFor.isPresent() ? notRun(plan, step, "waiting for step " + waitingFor.get())
                        : mayStart(plan, step) ? attempt(() -> step.reconcile(context), plan, step) : paused(plan, step, previous);
                outcomes.put(step.name(), outcome);
                if (waitingFor.isEmpty() && !outcome.phase().settled()) {
                    waitingFor = Optional.of(step.name());
                }
            }
        }
        return report(plan, pre, outcomes, previous);
    }

    /** How long until a restarted service's stability period ends, as of the last pass (none: no service is in one). */
    public Optional<Duration> untilNextStable() {
        return gate.nextStableAt().map(at -> {
            Duration left = Duration.between(clock.instant(), at);
            return left.isNegative() ? Duration.ZERO : left;
        });
    }

    /** A paused plan starts nothing new; a restart already under way finishes. */
    private boolean mayStart(AgentPlan plan, StepReconciler step) {
        return !plan.paused() || underWayAt(step).isPresent();
    }

    /** The desired hash of a restart or container change of this step still under way on the host, if one is. */
    private Optional<String> underWayAt(StepReconciler step) {
        return gate.underWayAt(step.name()).or(step::changeUnderWayAt);
    }

    /**
     * The hash a step's report carries when the step itself does not say (not run, failed): that of
     * a change still under way, so the leader keeps the slot it granted for it (a report at another
     * hash releases it), else the plan's.
     */
    private String reportedHash(AgentPlan plan, StepReconciler step) {
        return underWayAt(step).orElseGet(() -> hashOf(plan, step));
    }

    /**
     * A step this pass does not run. While a change of its is under way the agent is still disturbed,
     * so it reports that (at the change's hash) rather than a pending step, until a pass runs it again.
     */
    private StepOutcome notRun(AgentPlan plan, StepReconciler step, String why) {
        return underWayAt(step)
                .map(hash -> StepOutcome.restarting(hash, "a restart or container change is under way; " + why + " before it is followed up"))
                .orElseGet(() -> pending(plan, step, why));
    }

    private StepOutcome paused(AgentPlan plan, StepReconciler step, Optional<AgentReport> previous) {
        Optional<StepReport> before = previous.map(r -> r.steps().get(step.name()));
        boolean newerRevision = previous.filter(r -> r.specRevision() != plan.specRevision()).isPresent();
        if (newerRevision && before.filter(b -> b.phase() == StepPhase.AWAITING_RESTART).isPresent()) {
            // A restart the previous revision was waiting for, now held back by the pause: give it up, which
            // hands the leader back any grant it holds for it (or a canary wave would wait for that slot forever).
            return pending(plan, step, "plan paused; the restart the previous spec was waiting for is given up");
        }
        return before
                // this runner wrote the previous report, so its reasons are all known tokens
                .map(r -> new StepOutcome(r.phase(), r.desiredHash(), r.observedHash(), r.reason().flatMap(StepReason::fromToken),
                        r.message()))
                .orElseGet(() -> pending(plan, step, "plan paused"));
    }

    private StepOutcome attempt(Supplier<StepOutcome> action, AgentPlan plan, StepReconciler step) {
        FailureLog log = failures.get(step.name());
        try {
            StepOutcome outcome = action.get();
            log.succeeded();
            return outcome;
        } catch (StepFailure failure) {
            log.failed(Level.WARN, "step failed step=" + step.name() + " reason=" + failure.reason(), failure);
            return StepOutcome.failed(reportedHash(plan, step), Optional.empty(), failure.reason(), failure.getMessage());
        } catch (RuntimeException unexpected) {
            log.failed(Level.ERROR, "step crashed step=" + step.name() + " reason=" + StepReason.INTERNAL, unexpected);
            return StepOutcome.failed(reportedHash(plan, step), Optional.empty(), StepReason.INTERNAL,
                    unexpected.getClass().getSimpleName() + ": " + unexpected.getMessage());
        }
    }

    private static StepOutcome pending(AgentPlan plan, StepReconciler step, String message) {
        return StepOutcome.pending(hashOf(plan, step), message);
    }

    private static String hashOf(AgentPlan plan, StepReconciler step) {
        return plan.stepHashes().getOrDefault(step.name(), "");
    }

    private AgentReport report(AgentPlan plan, PreflightResult pre, Map<StepName, StepOutcome> outcomes,
                               Optional<AgentReport> previous) {
        Instant now = clock.instant();
        Map<StepName, StepReport> reports = new EnumMap<>(StepName.class);
        outcomes.forEach((name, o) -> {
            Optional<StepReport> before = previous.map(r -> r.steps().get(name));
            Instant since = before.filter(b -> b.phase() == o.phase()).map(StepReport::since).orElse(now);
            // a message may quote a URL from the spec: its credentials stay in the spec, never in the status
            reports.put(name, new StepReport(o.phase(), o.desiredHash(), o.observedHash(), o.reason().map(StepReason::token),
                    Redaction.text(o.message()), since));
        });
        return new AgentReport(plan.agentId(), version, revisionReached(plan, outcomes, previous), pre.facts(), blockerTexts(pre), reports, now);
    }

    private static List<String> blockerTexts(PreflightResult pre) {
        return pre.blockers().stream().map(PreflightResult.Blocker::text).toList();
    }

    /**
     * The spec revision this report answers. While a paused plan holds a new revision back, the steps
     * still stand where the previous revision left them, so the report keeps that revision: the agent
     * must not look converged on a spec it has not started.
     */
    /** Unchanged since {@code before}, or a held-back restart given up: nothing of the new revision has started. */
    private static boolean standsWhereItWas(StepReport before, StepOutcome now) {
        return before != null && (before.desiredHash().equals(now.desiredHash()) && before.phase() == now.phase()
                || before.phase() == StepPhase.AWAITING_RESTART && now.phase() == StepPhase.PENDING);
    }

    private static long revisionReached(AgentPlan plan, Map<StepName, StepOutcome> outcomes, Optional<AgentReport> previous) {
        boolean heldBack = plan.paused() && previous.isPresent() && previous.get().specRevision() != plan.specRevision()
                && outcomes.entrySet().stream().allMatch(e -> standsWhereItWas(previous.get().steps().get(e.getKey()), e.getValue()));
        return heldBack ? previous.get().specRevision() : plan.specRevision();
    }
}
