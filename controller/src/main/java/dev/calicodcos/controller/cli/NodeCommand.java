package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.artifacts.JarCheck;
import dev.calicodcos.controller.artifacts.NodeArtifacts;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.reconcilers.agent.NodeAgent;
import dev.calicodcos.reconcilers.agent.NodeAgentConfig;
import dev.calicodcos.reconcilers.agent.NodeAgentFactory;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "node", description = {
        "Run the node agent on one agent: follow its plan in etcd, converge the five steps on this host, report.",
        "Started by the controller as a Mesos task, or by the calico-dcos-node systemd unit."})
final class NodeCommand extends EtcdCommand {

    @Option(names = "--agent-id", required = true, defaultValue = "${env:CALICO_DCOS_AGENT_ID}",
            description = "The Mesos agent id of this host (env CALICO_DCOS_AGENT_ID).")
    String agentId;

    @Option(names = "--host-root", defaultValue = "${env:CALICO_DCOS_HOST_ROOT:-/}",
            description = "Root of the host's filesystem (env CALICO_DCOS_HOST_ROOT; default ${DEFAULT-VALUE}).")
    Path hostRoot;

    @Option(names = "--node-name", defaultValue = "${env:CALICO_DCOS_NODE_NAME}",
            description = "Calico node name (default: the kernel host name, <host-root>/proc/sys/kernel/hostname, else `hostname`; never DNS).")
    String nodeName;

    @Option(names = "--jar-sha256", description = {"Refuse to start (exit " + ExitCode.WRONG_JAR + ") unless the jar this runs from has this SHA-256;",
            "the controller passes its jar's, so a stale or damaged download never runs."})
    String jarSha256;

    @Option(names = "--runtime-sha256", description = {"Refuse to start (exit " + ExitCode.WRONG_JAR + ") unless the Java runtime archive",
            "(--runtime-archive) has this SHA-256; the controller passes its runtime's."})
    String runtimeSha256;

    @Option(names = "--runtime-archive", defaultValue = NodeArtifacts.RUNTIME_NAME,
            description = "The runtime archive the Mesos fetcher left in the sandbox (default ${DEFAULT-VALUE}).")
    Path runtimeArchive;

    @Override
    public Integer call() throws Exception {
        Optional<String> problem = Optional.ofNullable(jarSha256).flatMap(sha -> JarCheck.problem(JarLocation.of(NodeCommand.class), sha))
                .or(() -> Optional.ofNullable(runtimeSha256).flatMap(sha -> JarCheck.runtimeProblem(runtimeArchive, sha)));
        if (problem.isPresent()) {
            err().println("error: " + problem.get());
            err().flush();
            return ExitCode.WRONG_JAR;
        }
        Logging.forLongRunningCommand();
        String name = nodeName != null ? nodeName : NodeAgentFactory.defaultNodeName(hostRoot, System.getenv());
        try (KvStore store = NodeAgentFactory.store(etcd.etcd());
             NodeAgent agent = NodeAgentFactory.create(NodeAgentConfig.defaults(agentId, etcd.keys()), store, hostRoot,
                     System.getenv(), name)) {
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "node-agent-shutdown"));
            out().println("node agent for " + agentId + " (" + name + ") on " + hostRoot + ", calicocluster/" + etcd.cluster);
            out().flush();
            agent.run();
        }
        return ExitCode.OK;
    }
}
