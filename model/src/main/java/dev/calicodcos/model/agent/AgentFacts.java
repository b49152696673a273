package dev.calicodcos.model.agent;

import java.util.Optional;

/**
 * What the node agent found on its host; the render functions read these.
 *
 * @param nodeName     the Calico node name (NODENAME, and the CNI {@code nodename}); the host name
 * @param ip           the node IP from {@code detect_ip}, when that is how the spec picks it
 * @param publicAgent  a DC/OS public agent (its unit is {@code dcos-mesos-slave-public})
 * @param nativeCalico DC/OS ships its own Calico (≥ 2.1): the node agent stands down
 */
public record AgentFacts(
        String nodeName,
        Optional<String> ip,
        Optional<String> dockerVersion,
        Optional<String> mesosVersion,
        Optional<String> dcosVersion,
        boolean publicAgent,
        boolean nativeCalico) {

    public String agentUnit() {
        return publicAgent ? "dcos-mesos-slave-public" : "dcos-mesos-slave";
    }
}
