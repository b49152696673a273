package dev.calicodcos.controller.maintenance;

import java.util.List;

/** The Mesos master's maintenance schedule, read and replaced whole (as the master's API has it). */
public interface MaintenanceSchedule {
    /** No master to tell: every call fails, and the drain relies on its timeout alone. */
    MaintenanceSchedule NONE = new MaintenanceSchedule() {
        @Override
        public List<Window> windows() {
            throw new IllegalStateException("no Mesos maintenance schedule is configured");
        }

        @Override
        public void replace(List<Window> windows) {
            throw new IllegalStateException("no Mesos maintenance schedule is configured");
        }
    };

    /** @throws RuntimeException when the schedule cannot be read; its message says why */
    List<Window> windows();

    /** @throws RuntimeException when the master does not take it; its message says why */
    void replace(List<Window> windows);
}
