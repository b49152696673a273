package dev.calicodcos.sim.master;

import java.util.HashMap;
import java.util.Map;

/** Injected misbehaviour between agents and the master, consumed by the master as updates arrive. */
public final class MasterFaults {
    private final Map<String, Integer> nextDeliveries = new HashMap<>();
    private volatile boolean streamsStalled;

    /** The next update of {@code taskId} is lost in transit (the agent will resend it). */
    public synchronized void dropNextStatusUpdate(String taskId) {
        nextDeliveries.put(taskId, 0);
    }

    /** The next update of {@code taskId} reaches the scheduler twice. */
    public synchronized void duplicateNextStatusUpdate(String taskId) {
        nextDeliveries.put(taskId, 2);
    }

    /** How many copies of this update to deliver (normally 1); consumes a pending fault. */
    synchronized int deliveries(String taskId) {
        Integer n = nextDeliveries.remove(taskId);
        return n == null ? 1 : n;
    }

    void stall(boolean stall) {
        this.streamsStalled = stall;
    }

    boolean streamsStalled() {
        return streamsStalled;
    }
}
