package dev.calicodcos.reconcilers.etcdproxy;

import java.util.List;

/** DNS SRV lookups: {@code host:port} targets of a record name, ordered by priority then weight. */
public interface SrvResolver {
    /** Empty when the name has no SRV records; throws {@code StepFailure} when DNS cannot answer. */
    List<String> lookup(String recordName);
}
