package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/** @param resources CPU and memory caps of the proxy's systemd unit; none unless given */
public record EtcdProxyStep(
        boolean enabled,
        Mode mode,
        String discoverySrv,
        List<String> upstreamEndpoints,
        String listenAddress,
        Optional<TlsFiles> upstreamTls,
        EtcdBinary binary,
        Optional<Resources> resources) implements StepSection {

    public enum Mode {
        @JsonProperty("gateway") GATEWAY,
        @JsonProperty("v2proxy") V2PROXY
    }

    public EtcdProxyStep {
        upstreamEndpoints = List.copyOf(upstreamEndpoints);
    }

    /** Static endpoints win over SRV discovery. */
    public boolean usesSrvDiscovery() {
        return upstreamEndpoints.isEmpty();
    }
}
