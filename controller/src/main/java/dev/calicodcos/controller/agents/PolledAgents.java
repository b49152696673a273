package dev.calicodcos.controller.agents;

import dev.calicodcos.controller.plan.AgentView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the agent list in the background and triggers a pass when it changes, so reconcile passes
 * (triggered by every report) read a cached list instead of calling the master each time.
 */
public final class PolledAgents implements AgentSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolledAgents.class);

    private final AgentSource source;
    private volatile Runnable onChange = () -> { };
    private final AtomicReference<List<AgentView>> latest = new AtomicReference<>();
    private final AtomicReference<RuntimeException> lastError = new AtomicReference<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-poll");
        t.setDaemon(true);
        return t;
    });

    public PolledAgents(AgentSource source) {
        this.source = source;
    }

    /** Polls every {@code interval} from now on; {@code onChange} runs when the list differs from the last one. */
    public void start(Duration interval, Runnable onChange) {
        this.onChange = onChange;
        poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Polls now (after a Mesos event says an agent came or went). */
    public void pollNow() {
        poller.execute(this::poll);
    }

    private void poll() {
        try {
            List<AgentView> agents = source.agents();
            lastError.set(null);
            // An unchanged list keeps its first copy, so the planner can tell "same list" at a glance.
            if (!agents.equals(latest.get())) {
                latest.set(agents);
                onChange.run();
            }
        } catch (RuntimeException e) {
            lastError.set(e);
            LOG.warn("cannot list agents error={}", e.getMessage());
        }
    }

    @Override
    public List<AgentView> agents() {
        List<AgentView> agents = latest.get();
        if (agents == null) {
            RuntimeException error = lastError.get();
            throw new IllegalStateException("the agent list is not known yet" + (error == null ? "" : ": " + error.getMessage()));
        }
        return agents;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
