package dev.calicodcos.model.validation;

import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.NodeStep;
import dev.calicodcos.model.spec.TlsFiles;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The checks a JSON Schema cannot express: cross-field rules and the syntax of URLs, image
 * references, addresses and CIDRs. Each rule is a method named for what it enforces; {@code rules}
 * is the list, in the order messages are most useful.
 */
public final class SemanticRules {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?";
    private static final Pattern IMAGE = Pattern.compile("^(?:" + DOMAIN + "/)?" + COMPONENT + "(?:/" + COMPONENT + ")*"
            + "(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$");

    private final List<Function<CalicoClusterSpec, List<Violation>>> rules = List.of(
            this::etcdEndpointsAreValidUrls,
            this::etcdEndpointsShareOneScheme,
            this::tlsCertAndKeyGivenTogether,
            this::tlsFilesNeedHttpsEndpoints,
            this::derivedClusterStoreWithHttpsNeedsAllTlsFiles,
            this::proxyUpstreamIsNotItself,
            this::proxyAddressIsUsedByCalico,
            this::loopbackEndpointsNeedTheProxy,
            this::downloadUrlsAreValid,
            this::imagesAreValidReferences,
            this::portsAreInRange,
            this::ipv4PoolsAreValidCidrs,
            this::pathsHaveNoDotDot,
            this::nodeEnvLeavesManagedVariablesAlone,
            this::rolloutTimesAreSensible);

    public List<Violation> check(CalicoCluster cluster) {
        List<Violation> all = new ArrayList<>();
        for (Function<CalicoClusterSpec, List<Violation>> rule : rules) {
            all.addAll(rule.apply(cluster.spec()));
        }
        return List.copyOf(all);
    }

    private List<Violation> etcdEndpointsAreValidUrls(CalicoClusterSpec spec) {
        List<Violation> out = new ArrayList<>();
        checkEndpointUrls("spec.etcd.endpoints", spec.etcd().endpoints(), out);
        checkEndpointUrls("spec.etcdProxy.upstreamEndpoints", spec.etcdProxy().upstreamEndpoints(), out);
        return out;
    }

    private static void checkEndpointUrls(String path, List<String> urls, List<Violation> out) {
        for (int i = 0; i < urls.size(); i++) {
            Optional<String> problem = endpointProblem(urls.get(i));
            int index = i;
            problem.ifPresent(p -> out.add(Violation.error(path + "[" + index + "]", p)));
        }
    }

    private static Optional<String> endpointProblem(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) {
                return Optional.of("is not a valid URL: no host in " + url);
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                return Optional.of("port must be between 1 and 65535");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL: " + e.getReason());
        }
    }

    private List<Violation> etcdEndpointsShareOneScheme(CalicoClusterSpec spec) {
        long https = spec.etcd().endpoints().stream().filter(e -> e.startsWith("https://")).count();
        if (https != 0 && https != spec.etcd().endpoints().size()) {
            return List.of(Violation.error("spec.etcd.endpoints", "must all use http:// or all use https://"));
        }
        return List.of();
    }

    private List<Violation> tlsCertAndKeyGivenTogether(CalicoClusterSpec spec) {
        List<Violation> out = new ArrayList<>();
        spec.etcd().tls().ifPresent(tls -> certAndKey("spec.etcd.tls", tls, out));
        spec.etcdProxy().upstreamTls().ifPresent(tls -> certAndKey("spec.etcdProxy.upstreamTls", tls, out));
        return out;
    }

    private static void certAndKey(String path, TlsFiles tls, List<Violation> out) {
        if (tls.certFile().isPresent() != tls.keyFile().isPresent()) {
            String missing = tls.certFile().isPresent() ? "keyFile" : "certFile";
            out.add(Violation.error(path + "." + missing, "is required when "
                    + (missing.equals("keyFile") ? "certFile" : "keyFile") + " is given"));
        }
    }

    private List<Violation> tlsFilesNeedHttpsEndpoints(CalicoClusterSpec spec) {
        if (spec.etcd().tls().isPresent() && !spec.etcd().usesTls()) {
            return List.of(Violation.warning("spec.etcd.tls", "is ignored: no etcd endpoint uses https://"));
        }
        return List.of();
    }

    private List<Violation> derivedClusterStoreWithHttpsNeedsAllTlsFiles(CalicoClusterSpec spec) {
        var store = spec.dockerClusterStore();
        if (!store.enabled() || store.clusterStore().isPresent() || !spec.etcd().usesTls()) {
            return List.of();
        }
        TlsFiles tls = spec.etcd().tls().orElse(new TlsFiles(Optional.empty(), Optional.empty(), Optional.empty()));
        if (tls.caFile().isEmpty() || tls.certFile().isEmpty() || tls.keyFile().isEmpty()) {
            return List.of(Violation.error("spec.etcd.tls", "caFile, certFile and keyFile are all required when the "
                    + "Docker cluster store is derived from https:// endpoints (or set spec.dockerClusterStore.clusterStore)"));
        }
        return List.of();
    }

    private List<Violation> proxyUpstreamIsNotItself(CalicoClusterSpec spec) {
        var proxy = spec.etcdProxy();
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < proxy.upstreamEndpoints().size(); i++) {
            if (hostPort(proxy.upstreamEndpoints().get(i)).equals(proxy.listenAddress())) {
                out.add(Violation.error("spec.etcdProxy.upstreamEndpoints[" + i + "]",
                        "is the proxy's own listenAddress; the proxy would forward to itself"));
            }
        }
        return out;
    }

    private List<Violation> proxyAddressIsUsedByCalico(CalicoClusterSpec spec) {
        var proxy = spec.etcdProxy();
        boolean used = spec.etcd().endpoints().stream().map(SemanticRules::hostPort)
                .anyMatch(hp -> hp.equals(proxy.listenAddress()) || sameLoopbackPort(hp, proxy.listenAddress()));
        if (proxy.enabled() && !used) {
            return List.of(Violation.warning("spec.etcd.endpoints", "do not include the proxy's listenAddress "
                    + proxy.listenAddress() + ": Calico components will not use the proxy"));
        }
        return List.of();
    }

    private List<Violation> loopbackEndpointsNeedTheProxy(CalicoClusterSpec spec) {
        boolean allLoopback = spec.etcd().endpoints().stream().map(SemanticRules::hostPort).allMatch(SemanticRules::isLoopback);
        if (!spec.etcdProxy().enabled() && allLoopback) {
            return List.of(Violation.warning("spec.etcd.endpoints", "point at loopback but spec.etcdProxy is disabled: "
                    + "something else must serve etcd on every agent"));
        }
        return List.of();
    }

    private List<Violation> downloadUrlsAreValid(CalicoClusterSpec spec) {
        List<Violation> out = new ArrayList<>();
        downloadUrl("spec.etcdProxy.binary.url", spec.etcdProxy().binary().url(), out);
        downloadUrl("spec.cni.plugins.calico.url", spec.cni().plugins().calico().url(), out);
        downloadUrl("spec.cni.plugins.calicoIpam.url", spec.cni().plugins().calicoIpam().url(), out);
        return out;
    }

    private static void downloadUrl(String path, String url, List<Violation> out) {
        try {
            URI uri = new URI(url);
            if ("file".equals(uri.getScheme())) {
                if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
                    out.add(Violation.error(path, "file:// URL must name an absolute path"));
                }
            } else if (uri.getHost() == null) {
                out.add(Violation.error(path, "is not a valid URL: no host in " + url));
            }
        } catch (URISyntaxException e) {
            out.add(Violation.error(path, "is not a valid URL: " + e.getReason()));
        }
    }

    private List<Violation> imagesAreValidReferences(CalicoClusterSpec spec) {
        List<Violation> out = new ArrayList<>();
        image("spec.libnetwork.image", spec.libnetwork().image(), out);
        image("spec.node.image", spec.node().image(), out);
        return out;
    }

    private static void image(String path, String reference, List<Violation> out) {
        if (!IMAGE.matcher(reference).matches()) {
            out.add(Violation.error(path, "is not a valid image reference (expected [registry/]repository[:tag][@sha256:digest], "
                    + "lower-case repository)"));
        }
    }

    private List<Violation> portsAreInRange(CalicoClusterSpec spec) {
        List<Violation> out = new ArrayList<>();
        port("spec.etcdProxy.listenAddress", spec.etcdProxy().listenAddress(), out);
        spec.dockerClusterStore().clusterAdvertise().ifPresent(a -> port("spec.dockerClusterStore.clusterAdvertise", a, out));
        return out;
    }

    private static void port(String path, String hostPort, List<Violation> out) {
        int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        if (port < 1 || port > 65535) {
            out.add(Violation.error(path, "port must be between 1 and 65535"));
        }
    }

    private List<Violation> ipv4PoolsAreValidCidrs(CalicoClusterSpec spec) {
        List<Violation> out = new ArrayList<>();
        List<String> pools = spec.cni().ipam().ipv4Pools();
        for (int i = 0; i < pools.size(); i++) {
            String[] parts = pools.get(i).split("[./]");
            boolean octetsOk = java.util.stream.IntStream.range(0, 4).allMatch(k -> Integer.parseInt(parts[k]) <= 255);
            if (!octetsOk || Integer.parseInt(parts[4]) > 32) {
                out.add(Violation.error("spec.cni.ipam.ipv4Pools[" + i + "]", "is not a valid IPv4 CIDR"));
            }
        }
        return out;
    }

    private List<Violation> pathsHaveNoDotDot(CalicoClusterSpec spec) {
        List<Violation> out = new ArrayList<>();
        noDotDot("spec.etcdProxy.binary.path", spec.etcdProxy().binary().path(), out);
        noDotDot("spec.dockerClusterStore.daemonConfig", spec.dockerClusterStore().daemonConfig(), out);
        noDotDot("spec.cni.pluginsDir", spec.cni().pluginsDir(), out);
        noDotDot("spec.cni.configDir", spec.cni().configDir(), out);
        spec.etcd().tls().ifPresent(tls -> tlsPaths("spec.etcd.tls", tls, out));
        spec.etcdProxy().upstreamTls().ifPresent(tls -> tlsPaths("spec.etcdProxy.upstreamTls", tls, out));
        return out;
    }

    private static void tlsPaths(String path, TlsFiles tls, List<Violation> out) {
        tls.caFile().ifPresent(p -> noDotDot(path + ".caFile", p, out));
        tls.certFile().ifPresent(p -> noDotDot(path + ".certFile", p, out));
        tls.keyFile().ifPresent(p -> noDotDot(path + ".keyFile", p, out));
    }

    private static void noDotDot(String path, String value, List<Violation> out) {
        for (String segment : value.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                out.add(Violation.error(path, "must be an absolute path without '.' or '..' segments"));
                return;
            }
        }
    }

    private List<Violation> nodeEnvLeavesManagedVariablesAlone(CalicoClusterSpec spec) {
        return spec.node().env().keySet().stream()
                .filter(NodeStep.MANAGED_ENV::contains)
                .sorted()
                .map(key -> Violation.error("spec.node.env." + key, "is set by the node step itself and cannot be overridden"))
                .toList();
    }

    private List<Violation> rolloutTimesAreSensible(CalicoClusterSpec spec) {
        var rollout = spec.rollout();
        if (rollout.restartTimeout().toSeconds() < 1) {
            return List.of(Violation.error("spec.rollout.restartTimeout", "must be at least 1s"));
        }
        return List.of();
    }

    private static String hostPort(String url) {
        try {
            URI uri = new URI(url);
            return uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80));
        } catch (URISyntaxException e) {
            return url;
        }
    }

    private static boolean isLoopback(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static boolean sameLoopbackPort(String a, String b) {
        return isLoopback(a) && isLoopback(b) && a.substring(a.lastIndexOf(':')).equals(b.substring(b.lastIndexOf(':')));
    }
}
