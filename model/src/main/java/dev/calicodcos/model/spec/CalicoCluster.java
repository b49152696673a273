package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The document a user declares, as stored at {@code <prefix>/clusters/<name>/spec}. Instances are
 * always defaulted and valid: build them through {@code SpecReader}, never from raw input.
 *
 * @param status what the controller last reported; absent in a stored spec, filled in by {@code get}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CalicoCluster(String apiVersion, String kind, Metadata metadata, CalicoClusterSpec spec, JsonNode status) {

    public static final String API_VERSION = "calico-dcos.io/v1";
    public static final String KIND = "CalicoCluster";

    public CalicoCluster {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
    }

    public String name() {
        return metadata.name();
    }

    public CalicoCluster withSpec(CalicoClusterSpec newSpec) {
        return new CalicoCluster(apiVersion, kind, metadata, newSpec, status);
    }

    public CalicoCluster withStatus(JsonNode newStatus) {
        return new CalicoCluster(apiVersion, kind, metadata, spec, newStatus);
    }
}
