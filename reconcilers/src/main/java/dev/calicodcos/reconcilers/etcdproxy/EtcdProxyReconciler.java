package dev.calicodcos.reconcilers.etcdproxy;

import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.EtcdBinary;
import dev.calicodcos.model.spec.PublishedChecksums;
import dev.calicodcos.model.spec.EtcdProxyStep;
import dev.calicodcos.model.spec.Resources;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.spec.TlsFiles;
import dev.calicodcos.reconcilers.host.Downloader;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.HostNetwork;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.RollbackPoint;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Step 1: an etcd gateway (or v2 proxy) on a fixed local address, run by systemd as
 * {@value #UNIT}, so that it lives outside the node-agent task: a node-agent relaunch, upgrade or
 * kill, a framework teardown, even an uninstalled controller leave 127.0.0.1:2379 to calico/node,
 * CNI, libnetwork and Docker. The step writes the unit, then {@code daemon-reload},
 * {@code enable}, {@code start}. "Done" means a real client read through the proxy worked.
 *
 * <p>A node agent that finds the unit active with the desired content adopts it. A different unit
 * for a proxy that is running would take etcd away from Calico for a moment: that is a restart,
 * done only with the leader's grant, through the {@link RestartGate} (the unit is written only
 * once granted). A proxy that is not running has nothing to disrupt and is started at once. The
 * unit names the checksum of the etcd binary, so a new binary is a changed unit too.
 *
 * <p>SRV discovery is resolved here, not by etcd, because the gateway only looks up
 * {@code _etcd-client._tcp} and only once at start: the step looks up the client records itself
 * and passes {@code --endpoints}, so a changed member set changes the unit.
 */
public final class EtcdProxyReconciler implements StepReconciler {
    public static final String UNIT = "calico-dcos-etcd-proxy.service";
    public static final String UNIT_PATH = "/etc/systemd/system/" + UNIT;
    /** Where the node agent of an earlier design kept its child proxy's pid: deleted, never acted on. */
    static final String LEGACY_STATE = "/var/lib/calico-dcos/etcd-proxy.json";
    static final String V2_DATA_DIR = "/var/lib/calico-dcos/etcd-proxy-data";
    static final String ROLLBACK_POINT = "/var/lib/calico-dcos/etcd-proxy-unit.last-good.json";
    /** Client SRV records, most specific first: etcd's own name, then the one etcd-mesos publishes. */
    static final List<String> SRV_RECORDS = List.of("_etcd-client._tcp.", "_etcd-server._client.");
    static final Duration GRACE = Duration.ofSeconds(20);
    static final int RESTART_SEC = 5;

    private final HostFiles files;
    private final Services services;
    private final HostNetwork network;
    private final Downloader downloads;
    private final SrvResolver srv;
    private final EtcdProbe probe;
    private final RestartGate gate;
    private final Clock clock;
    private final CrashPoints crashPoints;
    private final RollbackPoint rollbackPoint;
    /** When reads through the proxy began failing, this time; null while they succeed. One node agent, one loop thread. */
    private Instant failingSince;

    public EtcdProxyReconciler(HostFiles files, Services services, HostNetwork network, Downloader downloads, SrvResolver srv,
                               EtcdProbe probe, RestartGate gate, Clock clock, CrashPoints crashPoints) {
        this.files = files;
        this.services = services;
        this.network = network;
        this.downloads = downloads;
        this.srv = srv;
        this.probe = probe;
        this.gate = gate;
        this.clock = clock;
        this.crashPoints = crashPoints;
        this.rollbackPoint = new RollbackPoint(files, ROLLBACK_POINT);
    }

    @Override
    public StepName name() {
        return StepName.ETCD_PROXY;
    }

    /**
     * Pure: the proxy's unit for this agent.
     *
     * @param upstream     the upstream client URLs (static, or found through SRV)
     * @param binarySha256 checksum of the installed etcd binary (named in the unit, so a new binary changes it)
     * @param loopback     this host's 127.0.0.1 ({@link HostNetwork#loopback()})
     * @param onHost       a host path as processes on this machine see it (the identity in production)
     */
    public static EtcdProxyDesired render(CalicoClusterSpec spec, Upstream upstream, String binarySha256, String loopback,
                                          UnaryOperator<String> onHost) {
        EtcdProxyStep step = spec.etcdProxy();
        String bind = HostNetwork.onLoopback(step.listenAddress(), loopback);
        List<ExecArg> argv = new ArrayList<>();
        argv.add(ExecArg.from("spec.etcdProxy.binary.path", onHost.apply(step.binary().path())));
        Optional<String> emptiedBeforeStart = Optional.empty();
        if (step.mode() == EtcdProxyStep.Mode.GATEWAY) {
            argv.add(ExecArg.constant("gateway"));
            argv.add(ExecArg.constant("start"));
            argv.add(ExecArg.from("spec.etcdProxy.listenAddress", "--listen-addr=" + bind));
            argv.add(ExecArg.from(upstream.source(), "--endpoints=" + String.join(",",
                    upstream.urls().stream().map(u -> u.replaceFirst("^https?://", "").replaceFirst("/$", "")).toList())));
            step.upstreamTls().flatMap(TlsFiles::caFile).ifPresent(ca ->
                    argv.add(ExecArg.from("spec.etcdProxy.upstreamTls.caFile", "--trusted-ca-file=" + onHost.apply(ca))));
        } else {
            // A kept proxy/cluster file pins the member list the v2 proxy learnt first: empty its
            // data dir before every start (systemd's own restarts included).
            emptiedBeforeStart = Optional.of(onHost.apply(V2_DATA_DIR));
            argv.add(ExecArg.constant("--proxy=on"));
            argv.add(ExecArg.from("spec.etcdProxy.listenAddress", "--listen-client-urls=http://" + bind));
            argv.add(ExecArg.constant("--data-dir=" + emptiedBeforeStart.get()));
            if (step.usesSrvDiscovery()) {
                // The v2 proxy learns the members from their peer URLs: its own SRV lookup (_etcd-server._tcp) finds them.
                argv.add(ExecArg.from("spec.etcdProxy.discoverySrv", "--discovery-srv=" + step.discoverySrv()));
            } else {
                List<String> members = new ArrayList<>();
                for (int i = 0; i < upstream.urls().size(); i++) {
                    members.add("upstream" + i + "=" + upstream.urls().get(i));
                }
                argv.add(ExecArg.from(upstream.source(), "--initial-cluster=" + String.join(",", members)));
            }
            step.upstreamTls().ifPresent(tls -> {
                String field = "spec.etcdProxy.upstreamTls.";
                tls.caFile().ifPresent(f -> argv.add(ExecArg.from(field + "caFile", "--peer-trusted-ca-file=" + onHost.apply(f))));
                tls.certFile().ifPresent(f -> argv.add(ExecArg.from(field + "certFile", "--peer-cert-file=" + onHost.apply(f))));
                tls.keyFile().ifPresent(f -> argv.add(ExecArg.from(field + "keyFile", "--peer-key-file=" + onHost.apply(f))));
            });
        }
        String unit = unitFile(argv, emptiedBeforeStart, step.resources(), binarySha256);
        return new EtcdProxyDesired(argv.stream().map(ExecArg::value).toList(), unit, bind, DesiredHash.of(Map.of("unit", unit)));
    }

    /** Pure: the unit file. Values reach it only through {@link ExecArg#commandLine}. */
    static String unitFile(List<ExecArg> argv, Optional<String> emptiedBeforeStart, Optional<Resources> caps, String binarySha256) {
        StringBuilder unit = new StringBuilder()
                .append("# Written by calico-dcos (step etcdProxy); edits are replaced. etcd binary sha256 ")
                .append(binarySha256).append('\n')
                .append("[Unit]\n")
                .append("Description=calico-dcos etcd proxy\n")
                .append("Wants=network-online.target\n")
                .append("After=network-online.target\n")
                .append('\n')
                .append("[Service]\n")
                .append("Type=simple\n");
        emptiedBeforeStart.ifPresent(dir ->
                unit.append("ExecStartPre=-/bin/rm -rf ").append(ExecArg.constant(dir).quoted()).append('\n'));
        unit.append("ExecStart=").append(ExecArg.commandLine(argv)).append('\n')
                .append("Restart=always\n")
                .append("RestartSec=").append(RESTART_SEC).append('\n');
        caps.ifPresent(r -> unit
                .append("CPUQuota=").append(Math.max(1, Math.round(r.cpus() * 100))).append("%\n")
                .append("MemoryLimit=").append(r.memMb()).append("M\n"));
        return unit.append('\n')
                .append("[Install]\n")
                .append("WantedBy=multi-user.target\n")
                .toString();
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        forgetLegacyProxy();
        EtcdProxyStep step = context.spec().etcdProxy();
        Upstream upstream = upstream(step);
        String binarySha256 = ensureBinary(step.binary());
        EtcdProxyDesired desired = render(context.spec(), upstream, binarySha256, network.loopback(), this::onHost);
        String hash = desired.hash();
        RestartGate.Rollback rollback = new UnitRollback(desired, step.mode());
        RestartGate.Progress progress = gate.progress(name(), UNIT, hash, context, rollback);
        if (progress instanceof RestartGate.Progress.Waiting waiting) {
            return waiting.outcome();
        }
        Optional<byte[]> installed = files.read(UNIT_PATH);
        boolean current = installed.map(bytes -> Arrays.equals(bytes, desired.unitBytes())).orElse(false);
        if (!services.isActive(UNIT)) {
            return start(desired, installed); // nothing runs, so nothing is disrupted: no grant needed
        }
        if (!current || !startedAfterUnitWritten()) {
            // A running proxy with another command line: replacing it is a restart, counted like docker's.
            return gate.restart(name(), UNIT, hash, Optional.of(observedHash(installed)), context, () -> {
                rollbackPoint.keep(UNIT_PATH); // the unit the proxy runs now: what a failed gate puts back
                install(desired);
            }, rollback);
        }
        if (!services.isEnabled(UNIT)) {
            services.enable(UNIT);
        }
        return verify(desired, step.mode());
    }

    /**
     * The restart gate's view of this step: the proxy must answer a read through its listen address
     * for the whole stability period; when it does not within the restart timeout, the unit the
     * proxy ran before is put back and the proxy restarted with it.
     */
    private final class UnitRollback implements RestartGate.Rollback {
        private final EtcdProxyDesired desired;
        private final EtcdProxyStep.Mode mode;

        UnitRollback(EtcdProxyDesired desired, EtcdProxyStep.Mode mode) {
            this.desired = desired;
            this.mode = mode;
        }

        @Override
        public String change() {
            return "the new " + UNIT_PATH;
        }

        @Override
        public Optional<String> unhealthy() {
            return probe.check("http://" + desired.bindAddress(), mode).map(p -> "etcd through " + desired.bindAddress() + ": " + p);
        }

        @Override
        public String restore() {
            String done = rollbackPoint.restore(UNIT_PATH);
            services.daemonReload();
            return done;
        }
    }

    private StepOutcome start(EtcdProxyDesired desired, Optional<byte[]> installed) {
        if (network.accepts(desired.bindAddress())) {
            return StepOutcome.failed(desired.hash(), Optional.of(observedHash(installed)), StepReason.LISTEN_ADDRESS_IN_USE,
                    desired.bindAddress() + " already accepts connections, but " + UNIT + " is not running: another program"
                            + " holds the port (an etcd of its own, or a proxy left by an older calico-dcos node agent)."
                            + " Stop it, or choose another spec.etcdProxy.listenAddress");
        }
        install(desired);
        services.start(UNIT);
        return StepOutcome.applying(desired.hash(), Optional.empty(), UNIT + " started; verifying"
                + " (if it keeps exiting: journalctl -u " + UNIT + ")");
    }

    /** Writes the unit when it differs, and makes systemd load and enable it (safe to repeat after a crash). */
    private void install(EtcdProxyDesired desired) {
        files.write(UNIT_PATH, desired.unitBytes(), "rw-r--r--");
        crashPoints.reached("etcd-proxy.unit-written");
        services.daemonReload();
        if (!services.isEnabled(UNIT)) {
            services.enable(UNIT);
        }
    }

    /**
     * Whether the running proxy was started from the unit file as it is now: a crash between writing
     * a new unit and restarting leaves an older process behind an up-to-date file.
     * ActiveEnterTimestamp has second resolution: compare at that resolution.
     */
    private boolean startedAfterUnitWritten() {
        Optional<Instant> since = services.activeSince(UNIT);
        Optional<Instant> written = files.modifiedAt(UNIT_PATH).map(FileTime::toInstant);
        return since.isPresent() && written.isPresent() && !since.get().isBefore(written.get().truncatedTo(ChronoUnit.SECONDS));
    }

    private StepOutcome verify(EtcdProxyDesired desired, EtcdProxyStep.Mode mode) {
        String what = "etcd " + mode.name().toLowerCase(Locale.ROOT) + " on " + desired.bindAddress();
        Optional<String> problem = probe.check("http://" + desired.bindAddress(), mode);
        if (problem.isEmpty()) {
            failingSince = null;
            gate.finish(name());
            rollbackPoint.forget(); // the proxy runs this unit well: it is the next rollback point
            return StepOutcome.done(desired.hash(), what + " answers (" + UNIT + ")");
        }
        Instant now = clock.instant();
        if (failingSince == null) {
            failingSince = now;
        }
        // Counted from the later of its start and the failure's: upstream etcd restarting fails every
        // proxy's reads for a few seconds, which is no reason to restart proxies long running.
        Instant since = services.activeSince(UNIT).orElse(Instant.EPOCH);
        Instant failingFrom = since.isAfter(failingSince) ? since : failingSince;
        if (now.isBefore(failingFrom.plus(GRACE))) {
            return StepOutcome.applying(desired.hash(), Optional.of(desired.hash()),
                    what + " runs; not answering since " + failingFrom + ": " + problem.get());
        }
        failingSince = null;
        // Not serving anyway, so a restart disrupts nothing; a v2 proxy also forgets a stale member list.
        services.restart(UNIT);
        return StepOutcome.failed(desired.hash(), Optional.of(desired.hash()), StepReason.ETCD_PROXY_NOT_ANSWERING, "requests through "
                + desired.bindAddress() + " kept failing for more than " + GRACE.toSeconds() + "s (" + problem.get()
                + "); restarted " + UNIT);
    }

    private static String observedHash(Optional<byte[]> installed) {
        return DesiredHash.of(Map.of("unit", installed.map(b -> new String(b, StandardCharsets.UTF_8)).orElse("(absent)")));
    }

    /**
     * The proxy of an earlier design was a child of the node agent, found again by a pid kept in a
     * file. That pid may belong to anyone now (another PID namespace, an earlier boot): the record is
     * deleted and the pid is never signalled.
     */
    private void forgetLegacyProxy() {
        files.delete(LEGACY_STATE);
    }

    private String onHost(String hostPath) {
        return files.resolve(hostPath).toString();
    }

    private Upstream upstream(EtcdProxyStep step) {
        if (!step.usesSrvDiscovery() || step.mode() == EtcdProxyStep.Mode.V2PROXY) {
            return Upstream.fromSpec(step.upstreamEndpoints());
        }
        String scheme = step.upstreamTls().isPresent() ? "https://" : "http://";
        for (String record : SRV_RECORDS) {
            List<String> found = srv.lookup(record + step.discoverySrv());
            if (!found.isEmpty()) {
                return new Upstream(found.stream().map(hostPort -> scheme + hostPort).toList(),
                        "the SRV records " + record + step.discoverySrv());
            }
        }
        throw new StepFailure(StepReason.SRV_NO_RECORDS, "no etcd client SRV records under " + step.discoverySrv()
                + " (looked up " + String.join(", ", SRV_RECORDS.stream().map(r -> r + step.discoverySrv()).toList())
                + "); is the etcd package running?");
    }

    /** Installs the etcd binary when missing or not the one the spec names; returns the installed file's checksum. */
    private String ensureBinary(EtcdBinary binary) {
        Optional<byte[]> current = files.read(binary.path());
        boolean tarball = binary.url().endsWith(".tar.gz") || binary.url().endsWith(".tgz");
        Optional<String> currentSha = current.map(StepHashes::sha256);
        boolean keep = current.isPresent() && (binary.sha256().isEmpty() || tarball || binary.sha256().equals(currentSha));
        if (keep) {
            return currentSha.get();
        }
        byte[] fetched = downloads.fetch(binary.url());
        String actual = StepHashes.sha256(fetched);
        Optional<String> expected = binary.sha256().or(() -> PublishedChecksums.of(binary.url()));
        if (expected.isPresent() && !expected.get().equals(actual)) {
            throw new StepFailure(StepReason.CHECKSUM_MISMATCH, binary.url() + " has sha256 " + actual + " but "
                    + (binary.sha256().isPresent() ? "the spec expects " : "etcd published ") + expected.get());
        }
        byte[] executable = tarball ? TarGz.member(fetched, "etcd") : fetched;
        String dir = binary.path().substring(0, binary.path().lastIndexOf('/'));
        files.createDirectories(dir.isEmpty() ? "/" : dir);
        files.write(binary.path(), executable, "rwxr-xr-x");
        return StepHashes.sha256(executable);
    }

    /** The etcd binary as it was before we downloaded one: the user's file back, or none. */
    private void putBackBinary(String path) {
        files.existedBeforeUs(path).ifPresent(existed -> {
            if (existed) {
                files.backupOf(path).ifPresent(original -> files.write(path, original, "rwxr-xr-x"));
            } else {
                files.delete(path);
            }
            files.forgetOriginal(path);
        });
    }

    /** Stops and disables the unit, deletes it (or puts back a file of that name that was there before us). */
    @Override
    public StepOutcome remove(StepContext context) {
        forgetLegacyProxy();
        String hash = DesiredHash.of(Map.of("step", name().id(), "removed", true));
        if (files.isRegularFile(UNIT_PATH)) {
            services.disableNow(UNIT);
            crashPoints.reached("etcd-proxy.disabled");
            if (files.existedBeforeUs(UNIT_PATH).orElse(false)) {
                files.backupOf(UNIT_PATH).ifPresent(original -> files.write(UNIT_PATH, original, "rw-r--r--"));
            } else {
                files.delete(UNIT_PATH);
            }
            files.forgetOriginal(UNIT_PATH);
            services.daemonReload();
        } else if (services.isActive(UNIT)) {
            services.stop(UNIT); // its file is gone (a crash while removing): stop what systemd still runs
        }
        files.deleteTree(V2_DATA_DIR);
        putBackBinary(context.spec().etcdProxy().binary().path());
        rollbackPoint.forget();
        gate.finish(name());
        return StepOutcome.removed(hash, UNIT + " stopped, disabled and removed");
    }
}
