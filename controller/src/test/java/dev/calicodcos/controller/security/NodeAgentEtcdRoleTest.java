package dev.calicodcos.controller.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.Etcdctl;
import dev.calicodcos.testkit.TestCertificates;
import dev.calicodcos.testkit.TestCertificates.ClientIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agents' own etcd identity against an etcd with auth on, set up with the commands of
 * docs/operations.md 2.1: a node agent reads the spec, its plan and the control key and writes its
 * report, and cannot write a plan (where grants live), the spec, the control key or the status.
 */
@Tag("integration")
class NodeAgentEtcdRoleTest {
    private static final ClusterKeys KEYS = new ClusterKeys(ClusterKeys.DEFAULT_PREFIX, ClusterKeys.DEFAULT_CLUSTER);
    private static final byte[] DOC = "{}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static EtcdServer etcd;
    private static KvStore controller;
    private static KvStore node;

    @BeforeAll
    static void etcdWithAuth() {
        certs = TestCertificates.generate(dir);
        etcd = EtcdServer.start(certs);
        ClientIdentity root = certs.client("root");
        String clusterRoot = KEYS.clusterPrefix();
        // docs/operations.md 2.1, "Least privilege for the node agents"
        etcdctl(root, "user", "add", "root", "--no-password");
        etcdctl(root, "role", "add", "calico-dcos-controller");
        etcdctl(root, "role", "grant-permission", "calico-dcos-controller", "--prefix=true", "readwrite", ClusterKeys.DEFAULT_PREFIX + "/");
        etcdctl(root, "user", "add", "calico-dcos", "--no-password");
        etcdctl(root, "user", "grant-role", "calico-dcos", "calico-dcos-controller");
        etcdctl(root, "role", "add", "calico-dcos-node");
        etcdctl(root, "role", "grant-permission", "calico-dcos-node", "--prefix=true", "read", clusterRoot);
        etcdctl(root, "role", "grant-permission", "calico-dcos-node", "--prefix=true", "write", KEYS.reportsPrefix());
        etcdctl(root, "user", "add", "calico-dcos-node", "--no-password");
        etcdctl(root, "user", "grant-role", "calico-dcos-node", "calico-dcos-node");
        etcdctl(root, "auth", "enable");
        controller = store(new ClientIdentity(certs.clientCert(), certs.clientKey())); // CN=calico-dcos
        node = store(certs.client("calico-dcos-node"));
        controller.putIfUnchanged(KEYS.spec(), DOC, 0);
        controller.putIfUnchanged(KEYS.plan("agent-1"), DOC, 0);
        controller.putIfUnchanged(KEYS.control(), DOC, 0);
    }

    @AfterAll
    static void stop() {
        node.close();
        controller.close();
        etcd.close();
    }

    @Test
    void aNodeAgentReadsWhatItNeedsAndWritesItsReportUnderItsLease() {
        assertThat(node.get(KEYS.spec())).isPresent();
        assertThat(node.get(KEYS.plan("agent-1"))).isPresent();
        assertThat(node.get(KEYS.control())).isPresent();
        KvStore.Lease lease = node.grantLease(Duration.ofSeconds(10), () -> { });

        node.put(KEYS.report("agent-1"), DOC, lease);

        assertThat(controller.get(KEYS.report("agent-1"))).isPresent();
        lease.close();
    }

    @Test
    void aNodeAgentCannotWriteAPlanAGrantTheSpecTheControlKeyOrTheStatus() {
        for (String key : List.of(KEYS.plan("agent-1"), KEYS.plan("agent-2"), KEYS.spec(), KEYS.specInForce(), KEYS.control(),
                KEYS.status(), KEYS.agentStatus("agent-1"))) {
            assertThatThrownBy(() -> node.putIfUnchanged(key, DOC, node.get(key).map(v -> v.modRevision()).orElse(0L)))
                    .as(key).isInstanceOf(StoreException.class).hasStackTraceContaining("permission denied");
        }
        assertThatThrownBy(() -> node.putIfUnchanged(ClusterKeys.DEFAULT_PREFIX + "/controller/framework-id", DOC, 0))
                .isInstanceOf(StoreException.class);
    }

    @Test
    void theControllerStillWritesPlansAndTheStatus() {
        long plan = controller.get(KEYS.plan("agent-1")).orElseThrow().modRevision();

        assertThat(controller.putIfUnchanged(KEYS.plan("agent-1"), DOC, plan)).isPresent();
        assertThat(controller.putIfUnchanged(KEYS.status(), DOC, controller.get(KEYS.status()).map(v -> v.modRevision()).orElse(0L)))
                .isPresent();
    }

    private static KvStore store(ClientIdentity id) {
        return new EtcdKvStore(EtcdClients.connect(new EtcdOptions(List.of(etcd.endpoint()), Optional.of(certs.caCert()),
                Optional.of(id.cert()), Optional.of(id.key()))), Duration.ofSeconds(5));
    }

    private static void etcdctl(ClientIdentity as, String... args) {
        new Etcdctl(List.of("--endpoints", etcd.endpoint(), "--cacert", certs.caCert().toString(), "--cert", as.cert().toString(),
                "--key", as.key().toString())).run(args);
    }
}
