package dev.calicodcos.reconcilers.etcdproxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.EtcdBinary;
import dev.calicodcos.model.spec.EtcdProxyStep;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.Downloader;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.Processes;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Step 1: an etcd gateway (or v2 proxy) on a fixed local address, supervised by the node agent:
 * started when absent, restarted when it died, when its command line is no longer the desired
 * one, or when requests through it keep failing. "Done" means a real client read through it
 * worked. The process outlives the node agent; its pid and command line are kept in
 * {@code /var/lib/calico-dcos/etcd-proxy.json} so a new node agent adopts it instead of starting a
 * second one.
 *
 * <p>SRV discovery is resolved here, not by etcd, because the gateway only looks up
 * {@code _etcd-client._tcp} and only once at start: the step looks up the client records itself
 * and passes {@code --endpoints}, so a changed member set changes the command line and restarts
 * the gateway.
 */
public final class EtcdProxyReconciler implements StepReconciler {
    static final String STATE = "/var/lib/calico-dcos/etcd-proxy.json";
    static final String LOG = "/var/log/calico-dcos/etcd-proxy.log";
    static final String V2_DATA_DIR = "/var/lib/calico-dcos/etcd-proxy-data";
    /** Client SRV records, most specific first: etcd's own name, then the one etcd-mesos publishes. */
    static final List<String> SRV_RECORDS = List.of("_etcd-client._tcp.", "_etcd-server._client.");
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final HostFiles files;
    private final Processes processes;
    private final Downloader downloads;
    private final SrvResolver srv;
    private final EtcdProbe probe;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    public EtcdProxyReconciler(HostFiles files, Processes processes, Downloader downloads, SrvResolver srv,
                               EtcdProbe probe, Clock clock) {
        this.files = files;
        this.processes = processes;
        this.downloads = downloads;
        this.srv = srv;
        this.probe = probe;
        this.clock = clock;
    }

    @Override
    public StepName name() {
        return StepName.ETCD_PROXY;
    }

    /**
     * Pure: the proxy command line for this agent. {@code upstream} are the resolved upstream client
     * URLs (the static ones, or those found through SRV).
     */
    public static EtcdProxyDesired render(CalicoClusterSpec spec, AgentFacts facts, List<String> upstream, String binaryHostPath) {
        EtcdProxyStep step = spec.etcdProxy();
        List<String> argv = new ArrayList<>();
        argv.add(binaryHostPath);
        if (step.mode() == EtcdProxyStep.Mode.GATEWAY) {
            argv.addAll(List.of("gateway", "start", "--listen-addr=" + step.listenAddress(),
                    "--endpoints=" + String.join(",", upstream.stream().map(u -> u.replaceFirst("^https?://", "")).toList())));
            step.upstreamTls().flatMap(t -> t.caFile()).ifPresent(ca -> argv.add("--trusted-ca-file=" + ca));
        } else {
            // The v2 proxy learns the members from their peer URLs: its own SRV lookup
            // (_etcd-server._tcp) finds them; static upstream endpoints are peer URLs in this mode.
            argv.addAll(List.of("--proxy=on", "--listen-client-urls=http://" + step.listenAddress(), "--data-dir=" + V2_DATA_DIR));
            if (step.usesSrvDiscovery()) {
                argv.add("--discovery-srv=" + step.discoverySrv());
            } else {
                List<String> members = new ArrayList<>();
                for (int i = 0; i < upstream.size(); i++) {
                    members.add("upstream" + i + "=" + upstream.get(i));
                }
                argv.add("--initial-cluster=" + String.join(",", members));
            }
            step.upstreamTls().ifPresent(tls -> {
                tls.caFile().ifPresent(f -> argv.add("--peer-trusted-ca-file=" + f));
                tls.certFile().ifPresent(f -> argv.add("--peer-cert-file=" + f));
                tls.keyFile().ifPresent(f -> argv.add("--peer-key-file=" + f));
            });
        }
        return new EtcdProxyDesired(argv, step.listenAddress(), DesiredHash.of(Map.of("argv", argv)));
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        EtcdProxyStep step = context.spec().etcdProxy();
        EtcdProxyDesired desired = render(context.spec(), context.facts(), upstream(step), step.binary().path());
        ensureBinary(step.binary());
        List<String> resolvedArgv = resolved(desired.argv());
        Optional<ProxyState> state = state();
        Optional<List<String>> running = state.flatMap(s -> processes.commandLine(s.pid()));
        if (running.isPresent() && running.get().equals(resolvedArgv)) {
            Optional<String> problem = probe.check("http://" + desired.listenAddress(), step.mode());
            if (problem.isEmpty()) {
                return StepOutcome.done(desired.hash(), "etcd " + step.mode().name().toLowerCase() + " on "
                        + desired.listenAddress() + " answers");
            }
            if (clock.instant().isBefore(state.get().startedAt().plus(GRACE))) {
                return StepOutcome.applying(desired.hash(), Optional.of(desired.hash()), "started; not answering yet: " + problem.get());
            }
            // A proxy that keeps failing may hold a stale member list: start it afresh, and say so.
            processes.stop(state.get().pid());
            StepOutcome restarted = start(desired, resolvedArgv, "restarted");
            return StepOutcome.failed(desired.hash(), Optional.empty(), "EtcdProxyNotAnswering", "requests through "
                    + desired.listenAddress() + " failed (" + problem.get() + "); " + restarted.message());
        }
        state.filter(s -> running.isPresent()).ifPresent(s -> processes.stop(s.pid()));
        return start(desired, resolvedArgv, running.isPresent() ? "restarted with a new command line"
                : state.isPresent() ? "restarted (it had died)" : "started");
    }

    private StepOutcome start(EtcdProxyDesired desired, List<String> argv, String what) {
        files.createDirectories("/var/lib/calico-dcos");
        files.createDirectories("/var/log/calico-dcos");
        if (argv.stream().anyMatch(a -> a.contains(V2_DATA_DIR))) {
            files.deleteTree(V2_DATA_DIR); // a kept proxy/cluster file would pin a stale member list
        }
        long pid = processes.start(argv, files.resolve(LOG));
        writeState(new ProxyState(pid, clock.instant()));
        return StepOutcome.applying(desired.hash(), Optional.empty(), "etcd proxy " + what + " (pid " + pid + "); verifying");
    }

    private List<String> upstream(EtcdProxyStep step) {
        if (!step.usesSrvDiscovery() || step.mode() == EtcdProxyStep.Mode.V2PROXY) {
            return step.upstreamEndpoints();
        }
        String scheme = step.upstreamTls().isPresent() ? "https://" : "http://";
        for (String record : SRV_RECORDS) {
            List<String> found = srv.lookup(record + step.discoverySrv());
            if (!found.isEmpty()) {
                return found.stream().map(hostPort -> scheme + hostPort).toList();
            }
        }
        throw new StepFailure("SrvNoRecords", "no etcd client SRV records under " + step.discoverySrv()
                + " (looked up " + String.join(", ", SRV_RECORDS.stream().map(r -> r + step.discoverySrv()).toList())
                + "); is the etcd package running?");
    }

    private void ensureBinary(EtcdBinary binary) {
        Optional<byte[]> current = files.read(binary.path());
        boolean tarball = binary.url().endsWith(".tar.gz") || binary.url().endsWith(".tgz");
        boolean keep = current.isPresent()
                && (binary.sha256().isEmpty() || tarball || binary.sha256().get().equals(StepHashes.sha256(current.get())));
        if (keep) {
            return;
        }
        byte[] fetched = downloads.fetch(binary.url());
        String actual = StepHashes.sha256(fetched);
        if (binary.sha256().isPresent() && !binary.sha256().get().equals(actual)) {
            throw new StepFailure("ChecksumMismatch", binary.url() + " has sha256 " + actual + " but the spec expects " + binary.sha256().get());
        }
        byte[] executable = tarball ? TarGz.member(fetched, "etcd") : fetched;
        String dir = binary.path().substring(0, binary.path().lastIndexOf('/'));
        files.createDirectories(dir.isEmpty() ? "/" : dir);
        files.write(binary.path(), executable, "rwxr-xr-x");
    }

    /** The command line as the process will really see it (the binary under the host root). */
    private List<String> resolved(List<String> argv) {
        List<String> result = new ArrayList<>(argv);
        result.set(0, files.resolve(argv.get(0)).toString());
        result.replaceAll(a -> a.replace(V2_DATA_DIR, files.resolve(V2_DATA_DIR).toString()));
        return result;
    }

    record ProxyState(long pid, Instant startedAt) {}

    private Optional<ProxyState> state() {
        return files.read(STATE).flatMap(bytes -> {
            try {
                return Optional.of(json.readValue(bytes, ProxyState.class));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private void writeState(ProxyState state) {
        try {
            files.write(STATE, json.writeValueAsString(state).getBytes(StandardCharsets.UTF_8), "rw-r--r--");
        } catch (IOException e) {
            throw new StepFailure("HostFileUnwritable", "cannot record the proxy pid: " + e.getMessage(), e);
        }
    }

    @Override
    public StepOutcome remove(StepContext context) {
        String hash = DesiredHash.of(Map.of("step", name().id(), "removed", true));
        state().ifPresent(s -> {
            if (processes.commandLine(s.pid()).map(argv -> argv.stream().anyMatch(a -> a.contains("etcd"))).orElse(false)) {
                processes.stop(s.pid());
            }
            files.delete(STATE);
        });
        return StepOutcome.removed(hash, "etcd proxy stopped");
    }
}
