package dev.calicodcos.controller.maintenance;

import java.util.Objects;

/** A machine as Mesos maintenance names it: the agent's hostname and IP, as the agent registered them ("" when not given). */
public record Machine(String hostname, String ip) {
    public Machine {
        hostname = Objects.requireNonNullElse(hostname, "");
        ip = Objects.requireNonNullElse(ip, "");
    }

    @Override
    public String toString() {
        return hostname.isEmpty() ? ip : ip.isEmpty() || ip.equals(hostname) ? hostname : hostname + " (" + ip + ")";
    }
}
