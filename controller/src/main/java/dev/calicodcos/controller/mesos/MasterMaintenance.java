package dev.calicodcos.controller.mesos;

/**
 * The leading master's maintenance schedule as JSON, over {@code /master/maintenance/schedule}: the
 * transport only (leader redirects, authentication, status codes); what the JSON says is the caller's.
 */
public interface MasterMaintenance {
    /** The schedule's JSON ({@code {}} when empty). */
    byte[] schedule();

    /**
     * Replaces the whole schedule.
     *
     * @throws MesosException {@code REJECTED} with the master's reason when it refuses the schedule
     */
    void replaceSchedule(byte[] json);
}
