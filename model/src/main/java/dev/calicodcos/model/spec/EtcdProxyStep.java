package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

public record EtcdProxyStep(
        boolean enabled,
        Mode mode,
        String discoverySrv,
        List<String> upstreamEndpoints,
        String listenAddress,
        Optional<TlsFiles> upstreamTls,
        EtcdBinary binary,
        Resources resources) {

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
