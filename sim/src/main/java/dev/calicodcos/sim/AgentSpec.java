package dev.calicodcos.sim;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a simulated DC/OS agent looks like. Public agents carry the {@code public_ip: "true"} attribute
 * and have every resource statically reserved for {@code slave_public}, as on DC/OS.
 *
 * @param hostname       agent hostname; on DC/OS this is the agent's private IP (also what {@code detect_ip} prints)
 * @param publicAgent    {@code true} for a public agent ({@code dcos-mesos-slave-public})
 * @param attributes     TEXT attributes; {@code public_ip} is added for public agents
 * @param ports          inclusive port ranges, {@code [begin, end]} pairs
 * @param kernelHostname the kernel's host name ({@code <root>/proc/sys/kernel/hostname}); by default the hostname
 * @param etcHostname    whether {@code <root>/etc/hostname} exists (holding the kernel host name)
 */
public record AgentSpec(String hostname, boolean publicAgent, Map<String, String> attributes,
                        double cpus, double memMb, double diskMb, List<long[]> ports,
                        String mesosVersion, String dockerVersion, String dcosVersion,
                        String kernelHostname, boolean etcHostname) {

    public static final String PUBLIC_ROLE = "slave_public";
    static final List<long[]> PRIVATE_PORTS = List.of(new long[] {1025, 2180}, new long[] {2182, 3887},
            new long[] {3889, 5049}, new long[] {5052, 8079}, new long[] {8082, 8180}, new long[] {8182, 32000});
    static final List<long[]> PUBLIC_PORTS = List.of(new long[] {1, 21}, new long[] {23, 5050}, new long[] {5052, 32000});

    public AgentSpec {
        Objects.requireNonNull(hostname, "hostname");
        TreeMap<String, String> attrs = new TreeMap<>(attributes);
        if (publicAgent) {
            attrs.put("public_ip", "true");
        }
        attributes = Map.copyOf(attrs);
        ports = List.copyOf(ports);
        Objects.requireNonNull(mesosVersion, "mesosVersion");
        Objects.requireNonNull(dockerVersion, "dockerVersion");
        Objects.requireNonNull(dcosVersion, "dcosVersion");
        Objects.requireNonNull(kernelHostname, "kernelHostname");
        if (kernelHostname.isBlank() || kernelHostname.contains("\n")) {
            throw new IllegalArgumentException("kernelHostname must be one non-blank line: '" + kernelHostname + "'");
        }
    }

    public static AgentSpec privateAgent(String hostname) {
        return new AgentSpec(hostname, false, Map.of(), 4.0, 14861.0, 35577.0, PRIVATE_PORTS, "1.11.0", "18.09.9", "1.13.9",
                hostname, true);
    }

    public static AgentSpec publicAgent(String hostname) {
        return new AgentSpec(hostname, true, Map.of(), 4.0, 14861.0, 35577.0, PUBLIC_PORTS, "1.11.0", "18.09.9", "1.13.9",
                hostname, true);
    }

    /** The role the agent's resources are reserved for: {@code "*"} (unreserved) or {@code slave_public}. */
    public String reservationRole() {
        return publicAgent ? PUBLIC_ROLE : "*";
    }

    /** systemd unit of the Mesos agent on this kind of node. */
    public String agentUnit() {
        return publicAgent ? "dcos-mesos-slave-public" : "dcos-mesos-slave";
    }

    public AgentSpec withMesosVersion(String version) {
        return new AgentSpec(hostname, publicAgent, attributes, cpus, memMb, diskMb, ports, version, dockerVersion, dcosVersion,
                kernelHostname, etcHostname);
    }

    public AgentSpec withDockerVersion(String version) {
        return new AgentSpec(hostname, publicAgent, attributes, cpus, memMb, diskMb, ports, mesosVersion, version, dcosVersion,
                kernelHostname, etcHostname);
    }

    public AgentSpec withDcosVersion(String version) {
        return new AgentSpec(hostname, publicAgent, attributes, cpus, memMb, diskMb, ports, mesosVersion, dockerVersion, version,
                kernelHostname, etcHostname);
    }

    public AgentSpec withAttribute(String name, String value) {
        TreeMap<String, String> attrs = new TreeMap<>(attributes);
        attrs.put(name, value);
        return new AgentSpec(hostname, publicAgent, attrs, cpus, memMb, diskMb, ports, mesosVersion, dockerVersion, dcosVersion,
                kernelHostname, etcHostname);
    }

    public AgentSpec withResources(double cpus, double memMb, double diskMb) {
        return new AgentSpec(hostname, publicAgent, attributes, cpus, memMb, diskMb, ports, mesosVersion, dockerVersion, dcosVersion,
                kernelHostname, etcHostname);
    }

    /**
     * A kernel host name other than the listed hostname (which is the agent's IP on DC/OS), e.g. one
     * that does not resolve ({@code agent-7.unresolvable.invalid}); {@code /etc/hostname} holds it too.
     */
    public AgentSpec withKernelHostname(String name) {
        return new AgentSpec(hostname, publicAgent, attributes, cpus, memMb, diskMb, ports, mesosVersion, dockerVersion, dcosVersion,
                name, etcHostname);
    }

    /** A host without {@code /etc/hostname} (the kernel still has its host name). */
    public AgentSpec withoutEtcHostname() {
        return new AgentSpec(hostname, publicAgent, attributes, cpus, memMb, diskMb, ports, mesosVersion, dockerVersion, dcosVersion,
                kernelHostname, false);
    }
}
