package dev.calicodcos.model.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Optional;

/**
 * What the node agent found on its host; the render functions read these. Unknown fields are
 * ignored, so facts a later node agent adds do not stop this version reading its report; a field
 * an earlier node agent did not write reads as empty.
 *
 * @param nodeName          the Calico node name (NODENAME, and the CNI {@code nodename}); the host name
 * @param ip                the node IP from {@code detect_ip}, when that is how the spec picks it
 * @param publicAgent       a DC/OS public agent (its unit is {@code dcos-mesos-slave-public})
 * @param nativeCalico      DC/OS ships its own Calico (≥ 2.1): the node agent stands down
 * @param dockerLiveRestore dockerd runs with {@code live-restore} ({@code docker info}'s {@code LiveRestoreEnabled}):
 *                          containers keep running while it restarts; empty when Docker did not answer
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentFacts(
        String nodeName,
        Optional<String> ip,
        Optional<String> dockerVersion,
        Optional<String> mesosVersion,
        Optional<String> dcosVersion,
        boolean publicAgent,
        boolean nativeCalico,
        Optional<Boolean> dockerLiveRestore) {

    @JsonCreator
    public AgentFacts {
        dockerLiveRestore = dockerLiveRestore == null ? Optional.empty() : dockerLiveRestore;
    }

    /** Facts without {@code live-restore} known. */
    public AgentFacts(String nodeName, Optional<String> ip, Optional<String> dockerVersion, Optional<String> mesosVersion,
                      Optional<String> dcosVersion, boolean publicAgent, boolean nativeCalico) {
        this(nodeName, ip, dockerVersion, mesosVersion, dcosVersion, publicAgent, nativeCalico, Optional.empty());
    }

    public String agentUnit() {
        return publicAgent ? "dcos-mesos-slave-public" : "dcos-mesos-slave";
    }
}
