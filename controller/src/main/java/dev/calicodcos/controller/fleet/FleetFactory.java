package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.election.Leadership;
import dev.calicodcos.kvstore.KvStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Builds the fleet once the store and the election exist (its framework id writes are fenced). */
@FunctionalInterface
public interface FleetFactory {
    NodeAgentFleet create(KvStore kv, Leadership leadership, PrometheusMeterRegistry registry);
}
