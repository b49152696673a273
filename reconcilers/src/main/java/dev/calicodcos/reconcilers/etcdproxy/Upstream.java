package dev.calicodcos.reconcilers.etcdproxy;

import java.util.List;

/**
 * The etcd members the proxy forwards to, and where they came from (a spec field or SRV records),
 * which is what a refusal to write one of them names.
 */
public record Upstream(List<String> urls, String source) {
    public Upstream {
        urls = List.copyOf(urls);
    }

    public static Upstream fromSpec(List<String> urls) {
        return new Upstream(urls, "spec.etcdProxy.upstreamEndpoints");
    }
}
