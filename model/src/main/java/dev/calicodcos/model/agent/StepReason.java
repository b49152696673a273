package dev.calicodcos.model.agent;

import static dev.calicodcos.model.agent.StepPhase.AWAITING_RESTART;
import static dev.calicodcos.model.agent.StepPhase.BLOCKED;
import static dev.calicodcos.model.agent.StepPhase.FAILED;
import static dev.calicodcos.model.agent.StepPhase.UNSUPPORTED;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every reason a step report can give: the closed vocabulary of {@link StepReport#reason()}. Each
 * belongs to one phase and says whether waiting can fix it ({@link #retryable()}). The operator's guide
 * (docs/operations.md, section 12) has a row for each, checked by a test.
 *
 * <p>On the wire (the report in etcd, the status API) a reason is its {@link #token()}, a plain string:
 * node agents and controllers of different versions share etcd during an upgrade, and a reason one of
 * them does not know must still pass through.
 */
public enum StepReason {
    // FAILED; waiting can fix it (the node agent retries with backoff)
    /** The docker API does not answer (daemon down, restarting, socket missing). */
    DOCKER_NOT_RUNNING("DockerNotRunning", FAILED, true),
    /** The docker API answered with an error. */
    DOCKER_ERROR("DockerError", FAILED, true),
    /** Pulling an image failed (registry unreachable, unknown image or tag). */
    IMAGE_PULL_FAILED("ImagePullFailed", FAILED, true),
    /** Fetching a download failed (network, HTTP status, unsupported URL scheme). */
    DOWNLOAD_FAILED("DownloadFailed", FAILED, true),
    /** DC/OS's detect_ip gave no IPv4 address while {@code node.ipDetection} is {@code dcos-detect-ip}. */
    DETECT_IP_FAILED("DetectIpFailed", FAILED, true),
    /** The DNS SRV lookup for etcd failed. */
    SRV_LOOKUP_FAILED("SrvLookupFailed", FAILED, true),
    /** DNS has no etcd SRV records under {@code etcdProxy.discoverySrv} (yet). */
    SRV_NO_RECORDS("SrvNoRecords", FAILED, true),
    /** A {@code systemctl} command exited non-zero. */
    SERVICE_COMMAND_FAILED("ServiceCommandFailed", FAILED, true),
    /** A host command did not finish within its timeout. */
    COMMAND_TIMED_OUT("CommandTimedOut", FAILED, true),
    /** The etcd proxy runs but requests through it keep failing; it was restarted. */
    ETCD_PROXY_NOT_ANSWERING("EtcdProxyNotAnswering", FAILED, true),
    /** The node agent was interrupted (it is stopping). */
    INTERRUPTED("Interrupted", FAILED, true),

    // FAILED; needs a person (the spec or the host must change): the node agent looks again only slowly
    /** A download's SHA-256 is not the one the spec names. */
    CHECKSUM_MISMATCH("ChecksumMismatch", FAILED, false),
    /** A download is not what it should be (not a readable .tar.gz, or without the expected member). */
    DOWNLOAD_INVALID("DownloadInvalid", FAILED, false),
    /** A spec value cannot be written safely into the etcd proxy's systemd unit. */
    UNSAFE_UNIT_VALUE("UnsafeUnitValue", FAILED, false),
    /** Another program listens on the etcd proxy's listen address. */
    LISTEN_ADDRESS_IN_USE("ListenAddressInUse", FAILED, false),
    /** daemon.json is not a JSON object, or cannot be read. */
    DAEMON_JSON_INVALID("DaemonJsonInvalid", FAILED, false),
    /** daemon.json has a cluster-store calico-dcos did not write, and {@code takeOver} is off. */
    CLUSTER_STORE_CONFLICT("ClusterStoreConflict", FAILED, false),
    /** Docker was restarted with our daemon.json and still reports another cluster store. */
    RESTART_DID_NOT_APPLY("RestartDidNotApply", FAILED, false),
    /** A restarted service is still not active {@code rollout.restartTimeout} after its restart. */
    SERVICE_NOT_ACTIVE("ServiceNotActive", FAILED, false),
    /** {@code cni.pluginsDir} does not exist on the agent. */
    CNI_PLUGINS_DIR_MISSING("CniPluginsDirMissing", FAILED, false),
    /** {@code cni.configDir} does not exist on the agent. */
    CNI_CONFIG_DIR_MISSING("CniConfigDirMissing", FAILED, false),
    /** Another file in the CNI config dir declares the same network name. */
    CNI_NETWORK_NAME_CLASH("CniNetworkNameClash", FAILED, false),
    /** A host file cannot be read. */
    HOST_FILE_UNREADABLE("HostFileUnreadable", FAILED, false),
    /** A host file or directory cannot be written, replaced, deleted or made executable. */
    HOST_FILE_UNWRITABLE("HostFileUnwritable", FAILED, false),
    /** The directory a host file goes into does not exist. */
    HOST_DIRECTORY_MISSING("HostDirectoryMissing", FAILED, false),
    /** No temporary file can be placed where an atomic write of the target is safe. */
    NO_SAFE_TEMPORARY_DIRECTORY("NoSafeTemporaryDirectory", FAILED, false),
    /**
     * A health gate failed after a disruptive change (a container that never got ready, Docker not
     * coming back with the new daemon.json): the step put the host back to its last good state and
     * does not try that desired state again under the same grant. The message says which gate failed.
     */
    ROLLED_BACK("RolledBack", FAILED, false),
    /** A health gate failed and putting the host back failed too: the message says what is left. */
    ROLLBACK_FAILED("RollbackFailed", FAILED, false),
    /** A host program cannot be started (missing, not executable). */
    COMMAND_FAILED("CommandFailed", FAILED, false),
    /** An unexpected error in the node agent itself (a bug): the message has the exception. */
    INTERNAL("Internal", FAILED, false),

    // Other phases
    /** The step must restart a service and waits for the leader's grant. */
    AWAITING_RESTART_GRANT("AwaitingRestartGrant", AWAITING_RESTART, true),
    /**
     * The step holds its grant but waits until the grant's not-before time ({@code rollout.drain}) while
     * the other frameworks move their tasks off the agent; the leader may bring that time forward.
     */
    DRAINING("Draining", AWAITING_RESTART, true),
    /** Docker 23 or newer has no cluster store. */
    DOCKER_TOO_NEW("DockerTooNew", UNSUPPORTED, false),
    /** This DC/OS ships its own Calico; calico-dcos stands down on the agent. */
    NATIVE_CALICO("NativeCalico", BLOCKED, false);

    private final String token;
    private final StepPhase phase;
    private final boolean retryable;

    StepReason(String token, StepPhase phase, boolean retryable) {
        this.token = token;
        this.phase = phase;
        this.retryable = retryable;
    }

    /** The UpperCamelCase word in reports, the status page and the guide, e.g. {@code DaemonJsonInvalid}. */
    public String token() {
        return token;
    }

    /** The phase a step is in when it gives this reason. */
    public StepPhase phase() {
        return phase;
    }

    /**
     * Whether waiting and trying again can help without a person: a daemon that is restarting, a
     * network that comes back, a grant that comes. Not: a wrong checksum, a conflicting file, a bug.
     */
    public boolean retryable() {
        return retryable;
    }

    /** This reason, after checking that it belongs to {@code expected} (a mismatch is a programming error). */
    public StepReason requirePhase(StepPhase expected) {
        if (phase != expected) {
            throw new IllegalArgumentException(token + " is a reason for " + phase + ", not " + expected);
        }
        return this;
    }

    public static Optional<StepReason> fromToken(String token) {
        return Arrays.stream(values()).filter(r -> r.token.equals(token)).findFirst();
    }

    @Override
    public String toString() {
        return token;
    }
}
