package dev.calicodcos.controller.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.calicodcos.controller.plan.ControlState;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a cluster's etcd values become typed documents and back: what a key holds
 * follows from the key alone. A value that does not parse is logged and read as absent, so one bad
 * key (written by hand, or by a newer version) never stops the controller.
 */
public final class ClusterDocuments {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDocuments.class);

    private final ClusterKeys keys;
    private final ObjectMapper json;
    private final ObjectWriter compact;

    public ClusterDocuments(ClusterKeys keys, SpecCodec codec) {
        this.keys = keys;
        this.json = codec.json();
        this.compact = codec.json().writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    public ClusterKeys keys() {
        return keys;
    }

    /** What a change of one key of the cluster means; {@code Unrelated} for keys the controller does not read. */
    public ClusterChange decode(KvStore.Change change) {
        String key = change.key();
        long revision = change.revision();
        Optional<byte[]> bytes = change.value().map(Versioned::value);
        if (key.equals(keys.spec())) {
            return new ClusterChange.Spec(change.value(), revision);
        }
        if (key.equals(keys.specInForce())) {
            return new ClusterChange.InForce(bytes.flatMap(b -> read(key, b, SpecInForce.class)), revision);
        }
        if (key.equals(keys.control())) {
            return new ClusterChange.Control(bytes.flatMap(b -> read(key, b, ControlState.class)).orElse(ControlState.none()), revision);
        }
        if (key.equals(keys.status())) {
            return new ClusterChange.Status(bytes.flatMap(b -> read(key, b, ClusterStatus.class)), revision);
        }
        Optional<String> agentId = keys.agentOf(key);
        if (agentId.isPresent() && key.equals(keys.plan(agentId.get()))) {
            return new ClusterChange.Plan(agentId.get(), bytes.flatMap(b -> read(key, b, AgentPlan.class)), revision);
        }
        if (agentId.isPresent() && key.equals(keys.report(agentId.get()))) {
            return new ClusterChange.Report(agentId.get(), bytes.flatMap(b -> read(key, b, AgentReport.class)), revision);
        }
        if (agentId.isPresent() && key.equals(keys.agentStatus(agentId.get()))) {
            return new ClusterChange.Row(agentId.get(), bytes.flatMap(b -> read(key, b, AgentStatus.class)), revision);
        }
        return new ClusterChange.Unrelated(key, revision);
    }

    /** The status document alone: conditions, counts, rollout, events, without the agents' rows. */
    public Optional<ClusterStatus> summary(Optional<Versioned> stored) {
        return stored.flatMap(v -> read(keys.status(), v.value(), ClusterStatus.class));
    }

    /** Compact JSON: what every document is stored as. */
    public byte[] encode(Object document) {
        try {
            return compact.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + document.getClass().getSimpleName(), e);
        }
    }

    private <T> Optional<T> read(String key, byte[] bytes, Class<T> type) {
        try {
            return Optional.of(json.readValue(bytes, type));
        } catch (IOException e) {
            LOG.warn("ignoring unreadable key key={} error={}", key, e.getMessage());
            return Optional.empty();
        }
    }
}
