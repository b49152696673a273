package dev.calicodcos.sim.master;

import dev.calicodcos.sim.AgentSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leading master's state machine: frameworks, agents, offers and tasks. Every public method takes
 * the master lock; events leave through non-blocking {@link EventStream}s and agents are driven through
 * {@link AgentConnection}s whose methods return at once, so nothing blocks while the lock is held.
 */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
public final class Master implements StatusSink {
    private static final Logger LOG = LoggerFactory.getLogger(Master.class);
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final MaintenanceSchedule maintenance = new MaintenanceSchedule();
    /** Workloads whose framework honours maintenance, by task id. */
    private final Set<String> honouring = new HashSet<>();
    private final Duration heartbeatInterval;
    private final Duration allocationInterval;
    private final MasterAddress address;
    private final MasterFaults faults;

    private String masterId = UUID.randomUUID().toString();
    private int frameworkSeq;
    private int offerSeq;
    private int agentSeq;
    private int rotation;
    private final Map<String, Records.Framework> frameworks = new LinkedHashMap<>();
    private final Set<String> removedFrameworks = new HashSet<>();
    private final Map<String, Records.Agent> agents = new LinkedHashMap<>();
    private final Map<String, Records.Agent> unreachableAgents = new LinkedHashMap<>();
    private final Map<String, Records.Offer> offers = new LinkedHashMap<>();
    private final Map<String, Records.Task> tasks = new LinkedHashMap<>();
    private final Map<String, Set<TaskID>> pendingKills = new LinkedHashMap<>();
    private final List<EventStream> operatorStreams = new ArrayList<>();
    private final OfferCounter offerCounter = new OfferCounter();
    /** An allocation is queued on the scheduler: events in between need no second one (Mesos batches them too). */
    private boolean allocationQueued;

    /** Host and port this master advertises in {@code MasterInfo}. */
    public record MasterAddress(String hostname, int port) {}

    public Master(Clock clock, ScheduledExecutorService scheduler, Duration heartbeatInterval,
                  Duration allocationInterval, MasterAddress address, MasterFaults faults) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.heartbeatInterval = heartbeatInterval;
        this.allocationInterval = allocationInterval;
        this.address = address;
        this.faults = faults;
        scheduler.scheduleWithFixedDelay(this::allocate, allocationInterval.toMillis(), allocationInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- agents

    public synchronized AgentID registerAgent(AgentSpec spec, AgentConnection connection) {
        AgentID id = AgentID.newBuilder().setValue(masterId + "-S" + agentSeq++).build();
        ResourcePool total = ResourcePool.of(AgentOffers.totalResources(spec));
        Records.Agent agent = new Records.Agent(id, spec, connection, total, clock.instant());
        agents.put(id.getValue(), agent);
        LOG.info("agent registered agent={} hostname={}", id.getValue(), spec.hostname());
        publishAgentAdded(agent);
        allocateSoon();
        return id;
    }

    /** Connection lost (agent process down or partitioned): stays listed with {@code active: false}. */
    public synchronized void agentDisconnected(AgentID id) {
        Records.Agent agent = agents.get(id.getValue());
        if (agent == null || !agent.connected) {
            return;
        }
        agent.connected = false;
        rescindOffers(o -> o.agentId().equals(id));
        LOG.info("agent disconnected agent={}", id.getValue());
    }

    public synchronized void agentReconnected(AgentID id) {
        Records.Agent agent = agents.get(id.getValue());
        if (agent == null || agent.connected) {
            return;
        }
        agent.connected = true;
        agent.reregisteredTime = clock.instant();
        Set<TaskID> kills = pendingKills.remove(id.getValue());
        if (kills != null) {
            kills.forEach(t -> agent.connection.kill(t, Optional.empty()));
        }
        LOG.info("agent reregistered agent={}", id.getValue());
    }

    /** The agent unregistered (clean shutdown): it vanishes and its tasks are gone. */
    public synchronized void removeAgent(AgentID id) {
        Records.Agent agent = agents.remove(id.getValue());
        if (agent == null) {
            agent = unreachableAgents.remove(id.getValue());
        }
        if (agent == null) {
            return;
        }
        rescindOffers(o -> o.agentId().equals(id));
        for (Records.Task task : new ArrayList<>(tasks.values())) {
            if (!task.info.getAgentId().equals(id)) {
                continue;
            }
            tasks.remove(taskKey(task.frameworkId, task.info.getTaskId()));
            Records.Framework fw = frameworks.get(task.frameworkId.getValue());
            if (fw != null && fw.connected() && !task.terminal()) {
                fw.stream.send(Events.update(masterStatus(task.info.getTaskId(), id,
                        TaskStates.forFramework(TaskState.TASK_GONE, fw.partitionAware()),
                        TaskStatus.Reason.REASON_AGENT_REMOVED, "Agent " + agent.spec.hostname() + " removed: unregistered")));
            }
        }
        frameworks.values().stream().filter(Records.Framework::connected).forEach(fw -> fw.stream.send(Events.failure(id)));
        publish(OperatorEvents.agentRemoved(id));
        LOG.info("agent removed agent={}", id.getValue());
    }

    /**
     * The master gave up on the agent (ping timeout): it vanishes from the agent lists without an
     * AGENT_REMOVED, its tasks become TASK_UNREACHABLE (TASK_LOST for frameworks that are not
     * partition aware) and frameworks get a FAILURE.
     */
    public synchronized void agentUnreachable(AgentID id) {
        Records.Agent agent = agents.remove(id.getValue());
        if (agent == null) {
            return;
        }
        agent.connected = false;
        unreachableAgents.put(id.getValue(), agent);
        rescindOffers(o -> o.agentId().equals(id));
        long nanos = clock.millis() * 1_000_000L;
        for (Records.Task task : tasks.values()) {
            if (!task.info.getAgentId().equals(id) || task.terminal()) {
                continue;
            }
            task.unreachable = masterStatus(task.info.getTaskId(), id, TaskState.TASK_UNREACHABLE,
                    TaskStatus.Reason.REASON_AGENT_REMOVED, "Agent " + agent.spec.hostname() + " is unreachable")
                    .toBuilder().setUnreachableTime(Protos.TimeInfo.newBuilder().setNanoseconds(nanos)).build();
            Records.Framework fw = frameworks.get(task.frameworkId.getValue());
            if (fw != null && fw.connected()) {
                fw.stream.send(Events.update(task.unreachable.toBuilder()
                        .setState(TaskStates.forFramework(TaskState.TASK_UNREACHABLE, fw.partitionAware())).build()));
            }
        }
        frameworks.values().stream().filter(Records.Framework::connected).forEach(fw -> fw.stream.send(Events.failure(id)));
        LOG.info("agent unreachable agent={}", id.getValue());
    }

    /** An unreachable agent re-registers with its old ID; its tasks are reported with REASON_AGENT_REREGISTERED. */
    public synchronized void agentReregistered(AgentID id) {
        Records.Agent agent = unreachableAgents.remove(id.getValue());
        if (agent == null) {
            agentReconnected(id);
            return;
        }
        agents.put(id.getValue(), agent);
        agent.connected = true;
        agent.reregisteredTime = clock.instant();
        Set<TaskID> kills = pendingKills.remove(id.getValue());
        if (kills != null) {
            kills.forEach(t -> agent.connection.kill(t, Optional.empty()));
        }
        for (Records.Task task : tasks.values()) {
            if (!task.info.getAgentId().equals(id) || task.unreachable == null) {
                continue;
            }
            task.unreachable = null;
            Records.Framework fw = frameworks.get(task.frameworkId.getValue());
            if (fw != null && fw.connected()) {
                TaskStatus.Builder status = task.latest == null
                        ? TaskStatus.newBuilder().setTaskId(task.info.getTaskId()).setState(TaskState.TASK_STAGING).setAgentId(id)
                        : task.latest.toBuilder().clearUuid().clearData();
                fw.stream.send(Events.update(status.setSource(TaskStatus.Source.SOURCE_MASTER)
                        .setReason(TaskStatus.Reason.REASON_AGENT_REREGISTERED)
                        .setMessage("Agent " + agent.spec.hostname() + " reregistered").setTimestamp(nowSeconds()).build()));
            }
        }
        publishAgentAdded(agent);
        LOG.info("unreachable agent reregistered agent={}", id.getValue());
        allocateSoon();
    }

    // ---------------------------------------------------------------- scheduler API

    /** Handles an envelope-checked SUBSCRIBE; the stream carries SUBSCRIBED, or a single ERROR then closes. */
    public synchronized EventStream subscribe(Call call) {
        EventStream stream = new EventStream(this::streamBroken);
        Call.Subscribe subscribe = call.getSubscribe();
        FrameworkInfo info = subscribe.getFrameworkInfo();
        Optional<String> problem = FrameworkValidation.validate(info, subscribe.getSuppressedRolesList());
        if (problem.isEmpty() && info.hasId() && removedFrameworks.contains(info.getId().getValue())) {
            problem = Optional.of("Framework has been removed");
        }
        if (problem.isPresent()) {
            stream.send(Events.error(problem.get()));
            stream.close();
            return stream;
        }
        Records.Framework fw;
        if (info.hasId() && frameworks.containsKey(info.getId().getValue())) {
            fw = frameworks.get(info.getId().getValue());
            if (fw.connected()) {
                fw.stream.send(Events.error("Framework failed over"));
                fw.stream.close();
            }
            if (fw.failoverTimer != null) {
                fw.failoverTimer.cancel(false);
                fw.failoverTimer = null;
            }
            recoverOffers(o -> o.frameworkId().equals(fw.id));
            fw.info = info;
        } else {
            FrameworkID id = info.hasId() ? info.getId()
                    : FrameworkID.newBuilder().setValue(masterId + "-" + String.format("%04d", frameworkSeq++)).build();
            fw = new Records.Framework(id, info.toBuilder().setId(id).build());
            frameworks.put(id.getValue(), fw);
            publish(OperatorEvents.frameworkAdded(new Views.FrameworkView(id.getValue(), fw.info, true, fw.roles(), List.of())));
        }
        fw.suppressedRoles.clear();
        fw.suppressedRoles.addAll(subscribe.getSuppressedRolesList());
        fw.filters.clear();
        fw.stream = stream;
        stream.send(Events.subscribed(fw.id, heartbeatInterval.toMillis() / 1000.0, masterInfo()));
        stream.send(Events.heartbeat());
        if (faults.streamsStalled()) {
            stream.stall(true);
        }
        scheduleHeartbeats(stream);
        LOG.info("framework subscribed framework={} name={}", fw.id.getValue(), info.getName());
        allocateSoon();
        return stream;
    }

    /** Any call but SUBSCRIBE, after envelope validation. */
    public synchronized CallResult call(Call call, Optional<String> streamId) {
        Records.Framework fw = frameworks.get(call.getFrameworkId().getValue());
        if (fw == null) {
            return CallResult.badRequest("Framework cannot be found");
        }
        if (!fw.connected()) {
            return new CallResult(403, "Framework is not subscribed");
        }
        if (streamId.isEmpty()) {
            return CallResult.badRequest("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (!streamId.get().equals(fw.stream.id())) {
            return CallResult.badRequest("The stream ID '" + streamId.get() + "' included in this request didn't match"
                    + " the stream ID currently associated with framework ID " + fw.id.getValue());
        }
        switch (call.getType()) {
            case ACCEPT -> accept(fw, call.getAccept());
            case DECLINE -> decline(fw, call.getDecline().getOfferIdsList(), call.getDecline().getFilters());
            case REVIVE -> revive(fw, call.hasRevive() ? call.getRevive().getRolesList() : List.of());
            case SUPPRESS -> suppress(fw, call.hasSuppress() ? call.getSuppress().getRolesList() : List.of());
            case KILL -> kill(fw, call.getKill());
            case ACKNOWLEDGE -> acknowledge(fw, call.getAcknowledge());
            case RECONCILE -> reconcile(fw, call.getReconcile());
            case TEARDOWN -> removeFramework(fw, "teardown");
            case UPDATE_FRAMEWORK -> {
                return updateFramework(fw, call.getUpdateFramework());
            }
            default -> LOG.debug("call ignored by the simulator type={}", call.getType());
        }
        return CallResult.accepted();
    }

    private void accept(Records.Framework fw, Call.Accept accept) {
        String invalid = null;
        String agentId = null;
        String role = null;
        ResourcePool offered = ResourcePool.empty();
        Set<String> seen = new HashSet<>();
        if (accept.getOfferIdsCount() == 0) {
            invalid = "No offers specified";
        }
        for (Protos.OfferID id : accept.getOfferIdsList()) {
            Records.Offer offer = offers.get(id.getValue());
            if (!seen.add(id.getValue())) {
                invalid = "Duplicate offer " + id.getValue() + " in ACCEPT";
            } else if (offer == null || !offer.frameworkId().equals(fw.id)) {
                invalid = "Offer " + id.getValue() + " is no longer valid";
            } else {
                offers.remove(id.getValue());        // used (or returned) either way
                offerCounter.accepted++;
                if (agentId != null && !agentId.equals(offer.agentId().getValue())) {
                    invalid = "Aggregated offers must belong to one single agent";
                } else if (role != null && !role.equals(offer.role())) {
                    invalid = "Aggregated offers must be allocated to the same role";
                }
                agentId = offer.agentId().getValue();
                role = offer.role();
                offered = offered.plus(offer.resources());
            }
        }
        List<Protos.TaskInfo> launches = new ArrayList<>();
        for (Protos.Offer.Operation op : accept.getOperationsList()) {
            if (op.getType() == Protos.Offer.Operation.Type.LAUNCH) {
                launches.addAll(op.getLaunch().getTaskInfosList());
            } else {
                LOG.warn("offer operation not supported by the simulator, ignored type={}", op.getType());
            }
        }
        if (invalid != null) {
            for (Protos.TaskInfo task : launches) {
                sendMasterUpdate(fw, task.getTaskId(), task.getAgentId(),
                        TaskStates.forFramework(TaskState.TASK_DROPPED, fw.partitionAware()),
                        TaskStatus.Reason.REASON_INVALID_OFFERS, "Task launched with invalid offers: " + invalid);
            }
            return;
        }
        Records.Agent agent = agents.get(agentId);
        for (Protos.TaskInfo task : launches) {
            Protos.TaskInfo filled = fillAllocation(task, fw.multiRole() ? role : null);
            Optional<String> error = LaunchValidator.validate(filled, agentId, role, fw.multiRole(), offered,
                    taskId -> isLive(fw.id, taskId));
            if (error.isPresent()) {
                sendMasterUpdate(fw, task.getTaskId(), task.getAgentId(), TaskState.TASK_ERROR,
                        TaskStatus.Reason.REASON_TASK_INVALID, error.get());
                continue;
            }
            ResourcePool used = ResourcePool.of(filled.getResourcesList());
            offered = offered.minus(used);
            Records.Task record = new Records.Task(filled, fw.id, role, used);
            tasks.put(taskKey(fw.id, task.getTaskId()), record);
            publish(OperatorEvents.taskAdded(new Views.TaskView(filled, fw.id.getValue(), record.state(), Optional.empty()),
                    fw.info.getUser()));
            agent.connection.launch(fw.id, fw.info, filled);
            LOG.info("task launched framework={} task={} agent={}", fw.id.getValue(), task.getTaskId().getValue(), agentId);
        }
        addFilter(fw, agentId, role, offered, accept.getFilters().getRefuseSeconds());
    }

    private void decline(Records.Framework fw, List<Protos.OfferID> ids, Protos.Filters filters) {
        offerCounter.declineCalls++;
        for (Protos.OfferID id : ids) {
            Records.Offer offer = offers.get(id.getValue());
            if (offer != null && offer.frameworkId().equals(fw.id)) {
                offers.remove(id.getValue());
                offerCounter.declined++;
                addFilter(fw, offer.agentId().getValue(), offer.role(), offer.resources(), filters.getRefuseSeconds());
            }
        }
    }

    /** {@code refuseSeconds} is the call's {@code filters.refuse_seconds}, 5 when the call has none (the proto default). */
    private void addFilter(Records.Framework fw, String agentId, String role, ResourcePool resources, double refuseSeconds) {
        if (resources.isEmpty()) {
            return;
        }
        OfferFilters.refuseFor(refuseSeconds, allocationInterval).ifPresent(d ->
                fw.filters.add(new Records.Filter(agentId, role, resources, clock.instant().plus(d))));
    }

    private void revive(Records.Framework fw, List<String> roles) {
        offerCounter.revives++;
        List<String> target = roles.isEmpty() ? fw.roles() : roles;
        if (!fw.roles().containsAll(target)) {
            LOG.info("REVIVE names a role the framework does not have, dropped framework={}", fw.id.getValue());
            return;
        }
        fw.filters.clearRoles(target);
        fw.suppressedRoles.removeAll(target);
        allocateSoon();
    }

    private void suppress(Records.Framework fw, List<String> roles) {
        offerCounter.suppresses++;
        List<String> target = roles.isEmpty() ? fw.roles() : roles;
        if (!fw.roles().containsAll(target)) {
            LOG.info("SUPPRESS names a role the framework does not have, dropped framework={}", fw.id.getValue());
            return;
        }
        fw.suppressedRoles.addAll(target);
    }

    private void kill(Records.Framework fw, Call.Kill kill) {
        Records.Task task = tasks.get(taskKey(fw.id, kill.getTaskId()));
        if (task == null) {
            reconcileOne(fw, kill.getTaskId(), kill.hasAgentId() ? Optional.of(kill.getAgentId()) : Optional.empty());
            return;
        }
        Optional<Duration> grace = kill.hasKillPolicy() && kill.getKillPolicy().hasGracePeriod()
                ? Optional.of(Duration.ofNanos(kill.getKillPolicy().getGracePeriod().getNanoseconds()))
                : Optional.empty();
        Records.Agent agent = agents.get(task.info.getAgentId().getValue());
        if (agent == null) {
            agent = unreachableAgents.get(task.info.getAgentId().getValue());
        }
        if (agent == null) {
            return;
        }
        if (agent.connected) {
            agent.connection.kill(kill.getTaskId(), grace);
        } else {
            pendingKills.computeIfAbsent(agent.id.getValue(), k -> new HashSet<>()).add(kill.getTaskId());
        }
    }

    private void acknowledge(Records.Framework fw, Call.Acknowledge ack) {
        Records.Agent agent = agents.get(ack.getAgentId().getValue());
        if (agent != null && agent.connected) {
            agent.connection.acknowledge(ack.getTaskId(), ack.getUuid());
        }
        String key = taskKey(fw.id, ack.getTaskId());
        Records.Task task = tasks.get(key);
        if (task != null && task.terminal() && task.latest.getUuid().equals(ack.getUuid())) {
            tasks.remove(key);                      // terminal and acknowledged: a completed task now
        }
    }

    private void reconcile(Records.Framework fw, Call.Reconcile reconcile) {
        if (reconcile.getTasksCount() == 0) {
            tasks.values().stream().filter(t -> t.frameworkId.equals(fw.id))
                    .forEach(t -> fw.stream.send(Events.update(reconciliationStatus(t))));
            return;
        }
        for (Call.Reconcile.Task t : reconcile.getTasksList()) {
            reconcileOne(fw, t.getTaskId(), t.hasAgentId() ? Optional.of(t.getAgentId()) : Optional.empty());
        }
    }

    private void reconcileOne(Records.Framework fw, TaskID taskId, Optional<AgentID> agentId) {
        Records.Task task = tasks.get(taskKey(fw.id, taskId));
        if (task != null) {
            fw.stream.send(Events.update(reconciliationStatus(task)));
            return;
        }
        boolean agentKnown = agentId.isPresent() && agents.containsKey(agentId.get().getValue());
        boolean agentUnreachable = agentId.isPresent() && unreachableAgents.containsKey(agentId.get().getValue());
        TaskState state = agentKnown ? TaskState.TASK_GONE : agentUnreachable ? TaskState.TASK_UNREACHABLE : TaskState.TASK_UNKNOWN;
        String message = agentKnown ? "Reconciliation: Task is unknown to the agent"
                : agentUnreachable ? "Reconciliation: Task is unreachable" : "Reconciliation: Task is unknown";
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(taskId)
                .setState(TaskStates.forFramework(state, fw.partitionAware()))
                .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                .setMessage(message).setTimestamp(nowSeconds());
        agentId.ifPresent(status::setAgentId);
        fw.stream.send(Events.update(status.build()));
    }

    private TaskStatus reconciliationStatus(Records.Task task) {
        if (task.unreachable != null) {
            Records.Framework fw = frameworks.get(task.frameworkId.getValue());
            return task.unreachable.toBuilder()
                    .setState(TaskStates.forFramework(TaskState.TASK_UNREACHABLE, fw == null || fw.partitionAware()))
                    .setReason(TaskStatus.Reason.REASON_RECONCILIATION).setMessage("Reconciliation: Latest task state")
                    .setTimestamp(nowSeconds()).build();
        }
        TaskStatus.Builder b = task.latest == null
                ? TaskStatus.newBuilder().setTaskId(task.info.getTaskId()).setState(TaskState.TASK_STAGING)
                        .setAgentId(task.info.getAgentId())
                        .setExecutorId(Protos.ExecutorID.newBuilder().setValue(task.info.getTaskId().getValue()))
                : task.latest.toBuilder().clearUuid().clearData();
        return b.setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                .setMessage("Reconciliation: Latest task state").setTimestamp(nowSeconds()).build();
    }

    private CallResult updateFramework(Records.Framework fw, Call.UpdateFramework update) {
        FrameworkInfo info = update.getFrameworkInfo();
        if (!info.getId().equals(fw.id)) {
            return CallResult.badRequest("'framework_id' differs from 'update_framework.framework_info.id'");
        }
        Optional<String> problem = FrameworkValidation.validate(info, update.getSuppressedRolesList());
        if (problem.isEmpty() && (!info.getUser().equals(fw.info.getUser())
                || !info.getPrincipal().equals(fw.info.getPrincipal()) || info.getCheckpoint() != fw.info.getCheckpoint())) {
            problem = Optional.of("Updating 'FrameworkInfo.user', 'principal' or 'checkpoint' is unsupported");
        }
        if (problem.isPresent()) {
            return CallResult.badRequest(problem.get());
        }
        fw.info = info;
        fw.suppressedRoles.clear();
        fw.suppressedRoles.addAll(update.getSuppressedRolesList());
        recoverOffers(o -> o.frameworkId().equals(fw.id) && !fw.roles().contains(o.role()));
        return new CallResult(200, "");
    }

    private void removeFramework(Records.Framework fw, String why) {
        frameworks.remove(fw.id.getValue());
        removedFrameworks.add(fw.id.getValue());
        if (fw.stream != null) {
            fw.stream.close();
        }
        if (fw.failoverTimer != null) {
            fw.failoverTimer.cancel(false);
        }
        recoverOffers(o -> o.frameworkId().equals(fw.id));
        tasks.values().removeIf(t -> t.frameworkId.equals(fw.id));
        agents.values().forEach(a -> a.connection.shutdownFramework(fw.id));
        publish(OperatorEvents.frameworkRemoved(fw.info));
        LOG.info("framework removed framework={} reason={}", fw.id.getValue(), why);
    }

    private void streamBroken(EventStream stream) {
        synchronized (this) {
            for (Records.Framework fw : frameworks.values()) {
                if (fw.stream == stream) {
                    frameworkDisconnected(fw);
                }
            }
        }
    }

    private void frameworkDisconnected(Records.Framework fw) {
        recoverOffers(o -> o.frameworkId().equals(fw.id));
        long timeoutMs = Math.round(fw.info.getFailoverTimeout() * 1000);
        LOG.info("framework disconnected framework={} failoverTimeoutMs={}", fw.id.getValue(), timeoutMs);
        AtomicReference<EventStream> seen = new AtomicReference<>(fw.stream);
        try {
            fw.failoverTimer = scheduler.schedule(() -> {
                synchronized (this) {
                    if (frameworks.get(fw.id.getValue()) == fw && fw.stream == seen.get() && !fw.connected()) {
                        removeFramework(fw, "failover timeout");
                    }
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // the simulator is closing
        }
    }

    // ---------------------------------------------------------------- status updates from agents

    @Override
    public synchronized void statusUpdate(AgentID agentId, FrameworkID frameworkId, TaskStatus status) {
        Records.Agent agent = agents.get(agentId.getValue());
        if (agent == null || !agent.connected) {
            return;                                  // the agent resends until acknowledged
        }
        int copies = faults.deliveries(status.getTaskId().getValue());
        if (copies == 0) {
            LOG.info("fault: status update dropped task={} state={}", status.getTaskId().getValue(), status.getState());
            return;
        }
        Records.Task task = tasks.get(taskKey(frameworkId, status.getTaskId()));
        if (task != null) {
            boolean changed = task.latest == null || task.latest.getState() != status.getState();
            task.latest = status;
            if (changed) {
                publish(OperatorEvents.taskUpdated(frameworkId, status));
            }
        }
        Records.Framework fw = frameworks.get(frameworkId.getValue());
        if (fw != null && fw.connected()) {
            for (int i = 0; i < copies; i++) {
                fw.stream.send(Events.update(status));
            }
        }
    }

    // ---------------------------------------------------------------- workloads of other frameworks

    /**
     * A task of another framework (Marathon's, say) running on the agent, for tests of what a restart there
     * disrupts: the master lists it as {@code TASK_RUNNING} under a checkpointing framework named
     * {@code framework} (created on first use), with a {@code container} of {@code containerType}. It is
     * master bookkeeping only: no process runs, and restarts of Docker or the agent do not end it.
     *
     * @return the task ID
     */
    public synchronized String runWorkload(AgentID agentId, String framework, String taskName, Protos.ContainerInfo.Type containerType) {
        return runWorkload(agentId, framework, taskName, containerType, false);
    }

    /**
     * As {@link #runWorkload(AgentID, String, String, Protos.ContainerInfo.Type)}; {@code honoursMaintenance}: its
     * framework reacts to maintenance (as Marathon with {@code maintenance_mode} and a task that moves would), so the task
     * ends ({@code TASK_KILLED}) once its agent's machine is in a maintenance window that has started.
     */
    public synchronized String runWorkload(AgentID agentId, String framework, String taskName, Protos.ContainerInfo.Type containerType,
                                           boolean honoursMaintenance) {
        String taskId = startWorkload(agentId, framework, taskName, containerType);
        if (honoursMaintenance) {
            honouring.add(taskId);
            endHonouringWorkloads();
        }
        return taskId;
    }

    /** The v0 {@code POST /master/maintenance/schedule}: the error to answer 400 with, or empty when the schedule was replaced. */
    public synchronized Optional<String> replaceMaintenanceSchedule(String body) {
        Optional<String> error = maintenance.replace(body);
        if (error.isEmpty()) {
            LOG.info("maintenance schedule replaced windows={}", maintenance.windows().size());
            endHonouringWorkloads();
        }
        return error;
    }

    /** The v0 {@code GET /master/maintenance/schedule} answer. */
    public synchronized String maintenanceScheduleJson() {
        return maintenance.json();
    }

    /** The v0 {@code GET /master/maintenance/status} answer. */
    public synchronized String maintenanceStatusJson() {
        return maintenance.status();
    }

    /** Ends every workload that honours maintenance whose machine's window has started; looks again when a later one starts. */
    private void endHonouringWorkloads() {
        long now = clock.millis() * 1_000_000L;
        for (Records.Task task : new ArrayList<>(tasks.values())) {
            String taskId = task.info.getTaskId().getValue();
            Records.Agent agent = agents.get(task.info.getAgentId().getValue());
            if (!honouring.contains(taskId) || agent == null) {
                continue;
            }
            // A simulated agent registers by its IP: its machine id is that for hostname and ip alike.
            MaintenanceSchedule.MachineId machine = new MaintenanceSchedule.MachineId(agent.spec.hostname(), agent.spec.hostname());
            maintenance.windowOf(machine).ifPresent(window -> {
                if (window.startNanos() <= now) {
                    LOG.info("workload honours maintenance and ends task={} agent={}", taskId, agent.id.getValue());
                    honouring.remove(taskId);
                    stopWorkload(taskId);
                } else {
                    scheduler.schedule(() -> {
                        synchronized (this) {
                            endHonouringWorkloads();
                        }
                    }, (window.startNanos() - now) / 1_000_000L + 1, TimeUnit.MILLISECONDS);
                }
            });
        }
    }

    private String startWorkload(AgentID agentId, String framework, String taskName, Protos.ContainerInfo.Type containerType) {
        Records.Agent agent = agents.get(agentId.getValue());
        if (agent == null) {
            throw new IllegalArgumentException("no registered agent " + agentId.getValue());
        }
        Records.Framework fw = frameworks.values().stream().filter(f -> f.standIn && f.info.getName().equals(framework)).findFirst()
                .orElseGet(() -> standInFramework(framework));
        String role = agent.spec.reservationRole(); // as Marathon on DC/OS: '*' on private agents, slave_public on public ones
        TaskID taskId = TaskID.newBuilder().setValue(taskName.replace('/', '_') + "." + UUID.randomUUID()).build();
        Protos.ContainerInfo.Builder container = Protos.ContainerInfo.newBuilder().setType(containerType);
        if (containerType == Protos.ContainerInfo.Type.DOCKER) {
            container.setDocker(Protos.ContainerInfo.DockerInfo.newBuilder().setImage("nginx:1.25")
                    .setNetwork(Protos.ContainerInfo.DockerInfo.Network.BRIDGE));
        }
        Protos.TaskInfo info = Protos.TaskInfo.newBuilder().setName(taskName).setTaskId(taskId).setAgentId(agentId)
                .addResources(workloadScalar("cpus", 0.1, role)).addResources(workloadScalar("mem", 32, role))
                .setCommand(Protos.CommandInfo.newBuilder().setShell(false)).setContainer(container).build();
        Records.Task task = new Records.Task(info, fw.id, role, ResourcePool.of(info.getResourcesList()));
        task.latest = TaskStatus.newBuilder().setTaskId(taskId).setState(TaskState.TASK_RUNNING).setAgentId(agentId)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setTimestamp(nowSeconds()).build();
        tasks.put(taskKey(fw.id, taskId), task);
        publish(OperatorEvents.taskAdded(new Views.TaskView(info, fw.id.getValue(), task.state(), Optional.of(task.latest)), fw.info.getUser()));
        LOG.info("workload running framework={} task={} agent={} container={}", framework, taskId.getValue(), agentId.getValue(), containerType);
        return taskId.getValue();
    }

    /** The workload ends ({@code TASK_KILLED}) and the master forgets it, as after its framework acknowledged. */
    public synchronized boolean stopWorkload(String taskId) {
        for (Records.Task task : new ArrayList<>(tasks.values())) {
            Records.Framework fw = frameworks.get(task.frameworkId.getValue());
            if (fw != null && fw.standIn && task.info.getTaskId().getValue().equals(taskId)) {
                tasks.remove(taskKey(task.frameworkId, task.info.getTaskId()));
                publish(OperatorEvents.taskUpdated(fw.id, task.latest.toBuilder().setState(TaskState.TASK_KILLED)
                        .setTimestamp(nowSeconds()).build()));
                return true;
            }
        }
        return false;
    }

    private Records.Framework standInFramework(String name) {
        FrameworkID id = FrameworkID.newBuilder().setValue(masterId + "-" + String.format("%04d", frameworkSeq++)).build();
        FrameworkInfo info = FrameworkInfo.newBuilder().setId(id).setName(name).setUser("root").setRole("*")
                .setCheckpoint(true).setFailoverTimeout(Duration.ofDays(7).toSeconds()).build();
        Records.Framework fw = new Records.Framework(id, info, true);
        frameworks.put(id.getValue(), fw);
        publish(OperatorEvents.frameworkAdded(new Views.FrameworkView(id.getValue(), info, true, fw.roles(), List.of())));
        return fw;
    }

    private static Protos.Resource workloadScalar(String name, double value, String role) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(value)).setRole(role).build();
    }

    // ---------------------------------------------------------------- operator event stream

    /** Operator SUBSCRIBE: SUBSCRIBED with a full snapshot, HEARTBEAT, then cluster events. */
    public synchronized EventStream subscribeOperator() {
        EventStream stream = new EventStream(s -> { });
        stream.send(OperatorEvents.subscribed(view(), heartbeatInterval.toMillis() / 1000.0));
        stream.send(OperatorEvents.heartbeat());
        operatorStreams.add(stream);
        Heartbeats.start(scheduler, stream, heartbeatInterval, OperatorEvents.heartbeat());
        return stream;
    }

    private void publish(org.apache.mesos.v1.master.Protos.Event event) {
        operatorStreams.removeIf(s -> !s.isOpen());
        operatorStreams.forEach(s -> s.send(event));
    }

    // ---------------------------------------------------------------- master failover and faults

    /** A new leader takes over: streams end, offers vanish, frameworks must resubscribe. */
    public synchronized void failover() {
        masterId = UUID.randomUUID().toString();
        offers.clear();
        for (Records.Framework fw : new ArrayList<>(frameworks.values())) {
            if (fw.stream != null) {
                fw.stream.close();
                fw.stream = null;
            }
            if (fw.failoverTimer != null) {
                fw.failoverTimer.cancel(false);
                fw.failoverTimer = null;
            }
            boolean hasTasks = tasks.values().stream().anyMatch(t -> t.frameworkId.equals(fw.id));
            if (!hasTasks) {
                frameworks.remove(fw.id.getValue());    // a new leader only learns frameworks from agents' tasks
            }
        }
        operatorStreams.forEach(EventStream::close);
        operatorStreams.clear();
        Instant now = clock.instant();
        agents.values().forEach(a -> a.reregisteredTime = now);
        LOG.info("master failed over newMasterId={}", masterId);
    }

    public synchronized void stallStreams(boolean stall) {
        faults.stall(stall);
        frameworks.values().stream().filter(Records.Framework::connected).forEach(fw -> fw.stream.stall(stall));
    }

    public synchronized void closeAllStreams() {
        frameworks.values().stream().filter(Records.Framework::connected).forEach(fw -> fw.stream.close());
        operatorStreams.forEach(EventStream::close);
    }

    // ---------------------------------------------------------------- allocation

    /**
     * An allocation now, where Mesos' allocator makes one at once (a new or re-registered agent, a framework that
     * subscribes, REVIVE). Resources coming back (DECLINE, the rest of an ACCEPT, a task that ended, an agent that
     * reconnected) wait for the next allocation interval, as there ({@code recoverResources} does not allocate).
     */
    private void allocateSoon() {
        if (allocationQueued) {
            return;
        }
        try {
            scheduler.execute(this::allocate);
            allocationQueued = true;
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // the simulator is closing
        }
    }

    synchronized void allocate() {
        allocationQueued = false;
        Instant now = clock.instant();
        List<Allocator.Claimant> claimants = new ArrayList<>();
        for (Records.Framework fw : frameworks.values()) {
            if (fw.connected()) {
                fw.filters.expire(now);
                if (!fw.suppressedRoles.containsAll(fw.roles())) {
                    claimants.add(new Allocator.Claimant(fw.id.getValue(), fw.roles(), Set.copyOf(fw.suppressedRoles),
                            fw.filters));
                }
            }
        }
        if (claimants.isEmpty()) {
            return;                                  // nobody wants offers: no need to look at the agents
        }
        AgentLoad load = agentLoad();
        List<Allocator.Candidate> candidates = new ArrayList<>();
        for (Records.Agent agent : agents.values()) {
            if (agent.connected) {
                candidates.add(new Allocator.Candidate(agent.id.getValue(), load.available(agent)));
            }
        }
        Map<String, List<Protos.Offer>> byFramework = new LinkedHashMap<>();
        for (Allocator.Allocation a : Allocator.allocate(candidates, claimants, now, rotation++)) {
            Records.Framework fw = frameworks.get(a.frameworkId());
            Records.Agent agent = agents.get(a.agentId());
            Protos.OfferID id = Protos.OfferID.newBuilder().setValue(masterId + "-O" + offerSeq++).build();
            Protos.Offer proto = AgentOffers.offer(id, fw.id, fw.multiRole(), agent.id, agent.spec, a.role(), a.resources());
            offers.put(id.getValue(), new Records.Offer(id, fw.id, agent.id, a.role(), a.resources(), proto));
            byFramework.computeIfAbsent(a.frameworkId(), k -> new ArrayList<>()).add(proto);
        }
        byFramework.forEach((fwId, list) -> {
            offerCounter.sent += list.size();
            frameworks.get(fwId).stream.send(Events.offers(list));
        });
    }

    /**
     * What every agent has in use by live tasks and in outstanding offers, gathered in one pass over the
     * tasks and the offers, so that a look at all agents costs O(agents + tasks + offers), not their product.
     */
    private AgentLoad agentLoad() {
        AgentLoad load = new AgentLoad();
        for (Records.Task t : tasks.values()) {
            if (!t.terminal()) {
                load.used.computeIfAbsent(t.info.getAgentId().getValue(), k -> new ArrayList<>()).add(t);
            }
        }
        for (Records.Offer o : offers.values()) {
            load.offered.computeIfAbsent(o.agentId().getValue(), k -> new ArrayList<>()).add(o);
        }
        return load;
    }

    private static final class AgentLoad {
        final Map<String, List<Records.Task>> used = new HashMap<>();
        final Map<String, List<Records.Offer>> offered = new HashMap<>();

        List<Records.Task> tasks(Records.Agent agent) {
            return used.getOrDefault(agent.id.getValue(), List.of());
        }

        List<Records.Offer> offers(Records.Agent agent) {
            return offered.getOrDefault(agent.id.getValue(), List.of());
        }

        ResourcePool used(Records.Agent agent) {
            ResourcePool sum = ResourcePool.empty();
            for (Records.Task t : tasks(agent)) {
                sum = sum.plus(t.resources);
            }
            return sum;
        }

        ResourcePool offered(Records.Agent agent) {
            ResourcePool sum = ResourcePool.empty();
            for (Records.Offer o : offers(agent)) {
                sum = sum.plus(o.resources());
            }
            return sum;
        }

        ResourcePool available(Records.Agent agent) {
            if (tasks(agent).isEmpty() && offers(agent).isEmpty()) {
                return agent.total;
            }
            return agent.total.minus(used(agent)).minus(offered(agent));
        }
    }

    private void rescindOffers(java.util.function.Predicate<Records.Offer> which) {
        for (Records.Offer offer : new ArrayList<>(offers.values())) {
            if (which.test(offer)) {
                offers.remove(offer.id().getValue());
                Records.Framework fw = frameworks.get(offer.frameworkId().getValue());
                if (fw != null && fw.connected()) {
                    offerCounter.rescinded++;
                    fw.stream.send(Events.rescind(offer.id()));
                }
            }
        }
    }

    private void recoverOffers(java.util.function.Predicate<Records.Offer> which) {
        offers.values().removeIf(which);
    }

    /** How many offers this master made and what became of them, and the SUPPRESS / REVIVE / DECLINE calls it got. */
    public synchronized OfferCounts offerCounts() {
        return offerCounter.snapshot(offers.size());
    }

    // ---------------------------------------------------------------- views

    public synchronized Views.MasterView view() {
        AgentLoad load = agentLoad();
        List<Views.AgentView> agentViews = new ArrayList<>(agents.size());
        for (Records.Agent a : agents.values()) {
            agentViews.add(agentView(a, load));
        }
        Map<String, List<Views.TaskView>> tasksByFramework = new HashMap<>();
        for (Records.Task t : tasks.values()) {
            tasksByFramework.computeIfAbsent(t.frameworkId.getValue(), k -> new ArrayList<>())
                    .add(new Views.TaskView(t.info, t.frameworkId.getValue(), t.state(), Optional.ofNullable(t.latest)));
        }
        List<Views.FrameworkView> fwViews = new ArrayList<>();
        for (Records.Framework fw : frameworks.values()) {
            fwViews.add(new Views.FrameworkView(fw.id.getValue(), fw.info, fw.active(), fw.roles(),
                    tasksByFramework.getOrDefault(fw.id.getValue(), List.of())));
        }
        return new Views.MasterView(masterId, agentViews, fwViews, unreachableAgents.size());
    }

    private Views.AgentView agentView(Records.Agent a, AgentLoad load) {
        List<Protos.Resource> usedFull = new ArrayList<>();
        load.tasks(a).forEach(t -> usedFull.addAll(t.resources.toProtos(Optional.of(t.role))));
        List<Protos.Resource> offeredFull = new ArrayList<>();
        load.offers(a).forEach(o -> offeredFull.addAll(o.resources().toProtos(Optional.of(o.role()))));
        return new Views.AgentView(a.id.getValue(), a.spec, a.total, load.used(a), load.offered(a), usedFull, offeredFull,
                a.connected, a.registeredTime, Optional.ofNullable(a.reregisteredTime));
    }

    /** AGENT_ADDED to operator subscribers, built from that one agent (nothing to build without subscribers). */
    private void publishAgentAdded(Records.Agent agent) {
        operatorStreams.removeIf(s -> !s.isOpen());
        if (!operatorStreams.isEmpty()) {
            publish(OperatorEvents.agentAdded(agentView(agent, agentLoad())));
        }
    }

    public synchronized Protos.MasterInfo masterInfo() {
        return Protos.MasterInfo.newBuilder().setId(masterId).setIp(0x0100007f).setPort(address.port())
                .setPid("master@" + address.hostname() + ":" + address.port()).setHostname(address.hostname())
                .setVersion("1.11.0")
                .setAddress(Protos.Address.newBuilder().setHostname(address.hostname()).setIp(address.hostname())
                        .setPort(address.port()))
                .build();
    }

    // ---------------------------------------------------------------- helpers

    private void scheduleHeartbeats(EventStream stream) {
        Heartbeats.start(scheduler, stream, heartbeatInterval, Events.heartbeat());
    }

    private void sendMasterUpdate(Records.Framework fw, TaskID taskId, AgentID agentId, TaskState state,
                                  TaskStatus.Reason reason, String message) {
        fw.stream.send(Events.update(masterStatus(taskId, agentId, state, reason, message)));
    }

    private TaskStatus masterStatus(TaskID taskId, AgentID agentId, TaskState state, TaskStatus.Reason reason, String message) {
        return TaskStatus.newBuilder().setTaskId(taskId).setState(state).setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(reason).setMessage(message).setAgentId(agentId).setTimestamp(nowSeconds()).build();
    }

    private boolean isLive(FrameworkID fwId, String taskId) {
        Records.Task task = tasks.get(taskKey(fwId, TaskID.newBuilder().setValue(taskId).build()));
        return task != null && !task.terminal();
    }

    private static Protos.TaskInfo fillAllocation(Protos.TaskInfo task, String role) {
        if (role == null) {
            return task;
        }
        Protos.TaskInfo.Builder b = task.toBuilder();
        for (Protos.Resource.Builder r : b.getResourcesBuilderList()) {
            if (!r.hasAllocationInfo()) {
                r.setAllocationInfo(Protos.Resource.AllocationInfo.newBuilder().setRole(role));
            }
        }
        return b.build();
    }

    private double nowSeconds() {
        return clock.millis() / 1000.0;
    }

    private static String taskKey(FrameworkID fw, TaskID task) {
        return fw.getValue() + "\u0000" + task.getValue();
    }
}
