package dev.calicodcos.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters of one moment: the controller's and etcd's {@code /metrics}, the benchmark JVM's CPU
 * time, the whole machine's CPU time (every process, from {@code /proc/stat}), the simulated node
 * agents' requests and etcd's revision. Two snapshots make a {@link Window}.
 */
record Snapshot(Instant at, PromText controller, PromText etcd, double benchCpuSeconds, double machineCpuSeconds,
                BenchNodeAgents.Counts nodes, long etcdRevision) {

    static final String CONTROLLER_CPU = "calico_dcos_process_cpu_seconds";
    static final String CONTROLLER_HEAP_PEAK = "calico_dcos_heap_peak_bytes";
    static final String CONTROLLER_ETCD_REQUESTS = "calico_dcos_etcd_request_duration_seconds_count";
    static final String PASSES = "calico_dcos_reconcile_duration_seconds_count";
    static final String PASS_SECONDS = "calico_dcos_reconcile_duration_seconds_sum";
    static final String PASS_ERRORS = "calico_dcos_reconcile_errors_total";
    static final String ETCD_CPU = "process_cpu_seconds_total";
    static final String ETCD_REQUESTS = "grpc_server_started_total";
    static final String ETCD_KEY_WRITES = "etcd_mvcc_put_total";
    static final String ETCD_RECEIVED_BYTES = "etcd_network_client_grpc_received_bytes_total";
    static final String ETCD_SENT_BYTES = "etcd_network_client_grpc_sent_bytes_total";

    /**
     * What happened between two snapshots.
     *
     * @param etcdKeyWrites     keys etcd wrote, each put of a transaction counted
     * @param etcdReceivedBytes what etcd received from all its clients
     * @param etcdSentBytes     what etcd sent to all its clients (answers and watch events)
     * @param machineCpu        CPU time of every process on the machine, the benchmark's and others'
     */
    record Window(Duration wall, double controllerCpu, Map<String, Double> controllerRequests, double passes,
                  double passSeconds, double passErrors, double etcdCpu, double etcdRequests, double etcdKeyWrites,
                  double etcdReceivedBytes, double etcdSentBytes, double benchCpu, double machineCpu, BenchNodeAgents.Counts nodes, long etcdRevisions) {

        Window {
            controllerRequests = Map.copyOf(controllerRequests);
        }

        double seconds() {
            return wall.toMillis() / 1000.0;
        }

        double controllerRequestTotal() {
            return controllerRequests.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** CPU time of the processes that are not this benchmark's (other work on a shared machine). */
        double otherCpu() {
            return machineCpu - controllerCpu - etcdCpu - benchCpu;
        }

        /** The controller's writes: single puts and fenced commits (one transaction each). */
        double controllerWrites() {
            return controllerRequests.getOrDefault("put", 0.0) + controllerRequests.getOrDefault("commit", 0.0);
        }
    }

    Window to(Snapshot later) {
        Map<String, Double> requests = new TreeMap<>();
        Map<String, Double> before = controller.byLabel(CONTROLLER_ETCD_REQUESTS, "op");
        later.controller.byLabel(CONTROLLER_ETCD_REQUESTS, "op").forEach((op, n) -> requests.put(op, n - before.getOrDefault(op, 0.0)));
        return new Window(Duration.between(at, later.at),
                delta(controller, later.controller, CONTROLLER_CPU),
                requests,
                delta(controller, later.controller, PASSES),
                delta(controller, later.controller, PASS_SECONDS),
                delta(controller, later.controller, PASS_ERRORS),
                delta(etcd, later.etcd, ETCD_CPU),
                delta(etcd, later.etcd, ETCD_REQUESTS),
                delta(etcd, later.etcd, ETCD_KEY_WRITES),
                delta(etcd, later.etcd, ETCD_RECEIVED_BYTES),
                delta(etcd, later.etcd, ETCD_SENT_BYTES),
                later.benchCpuSeconds - benchCpuSeconds,
                later.machineCpuSeconds - machineCpuSeconds,
                later.nodes.minus(nodes),
                later.etcdRevision - etcdRevision);
    }

    /** NaN when either scrape failed (a controller that exited has no counters). */
    private static double delta(PromText earlier, PromText later, String name) {
        if (earlier.samples().isEmpty() || later.samples().isEmpty()) {
            return Double.NaN;
        }
        return later.sum(name) - earlier.sum(name);
    }

    /** Busy CPU time of the whole machine since boot (all but idle and iowait, in USER_HZ = 100 ticks), NaN off Linux. */
    static double machineCpuNow() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The 1-minute load average, NaN off Linux. */
    static double loadAverageNow() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    long controllerHeapPeak() {
        return (long) controller.sum(CONTROLLER_HEAP_PEAK);
    }
}
