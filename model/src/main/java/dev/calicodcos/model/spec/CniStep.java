package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

public record CniStep(
        boolean enabled,
        String pluginsDir,
        String configDir,
        Plugins plugins,
        String networkName,
        int mtu,
        LogLevel logLevel,
        Ipam ipam,
        AgentRestart agentRestart) implements StepSection {

    public record Plugins(Download calico, Download calicoIpam) {}

    public record Ipam(boolean assignIpv4, boolean assignIpv6, java.util.List<String> ipv4Pools) {
        public Ipam {
            ipv4Pools = java.util.List.copyOf(ipv4Pools);
        }
    }

    public enum LogLevel { WARNING, INFO, DEBUG }

    public enum AgentRestart {
        @JsonProperty("auto") AUTO,
        @JsonProperty("always") ALWAYS,
        @JsonProperty("never") NEVER
    }
}
