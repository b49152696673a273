package dev.calicodcos.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.validation.ReadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code uninstall}: sets {@code spec.uninstall: true} in the stored spec (compare-and-swap, in the
 * spec's own format), so that a GitOps repository can say the same; then, with {@code --wait}, waits
 * as {@code status --wait} does until the status says Uninstalled.
 */
@Command(name = "uninstall", description = {
        "Remove Calico from every selected agent: sets spec.uninstall to true in the stored spec. Each node agent removes",
        "every step in reverse order under the disruption budget (daemon.json and any file we replaced put back); when",
        "every agent is done the status says Uninstalled and the node agents are ended. The controller keeps running.",
        "With --wait: wait until Uninstalled (exit 0), halted (1) or the timeout (2), as status --wait does."})
final class UninstallCommand extends StatusCommand {
    @Override
    public Integer call() throws IOException, InterruptedException {
        int written = markUninstall();
        if (written != ExitCode.OK || !waitForReady) {
            return written;
        }
        return super.call();
    }

    private int markUninstall() throws IOException {
        try (KvStore kv = connect()) {
            String key = etcd.keys().spec();
            for (int attempt = 0; attempt < 10; attempt++) {
                Optional<Versioned> stored = kv.get(key);
                if (stored.isEmpty()) {
                    return fail("no spec stored at " + key + ": nothing is installed by calico-dcos");
                }
                String text = new String(stored.get().value(), StandardCharsets.UTF_8);
                boolean json = text.stripLeading().startsWith("{");
                ObjectMapper mapper = json ? app.codec.json() : app.codec.yaml();
                JsonNode tree = mapper.readTree(text);
                if (!(tree instanceof ObjectNode root)) {
                    return fail("the stored spec is not a document; fix it with apply first");
                }
                JsonNode spec = root.path("spec");
                if (spec.path("uninstall").asBoolean(false)) {
                    out().println("calicocluster/" + etcd.cluster + " is already uninstalling (spec revision "
                            + stored.get().modRevision() + ")");
                    out().flush();
                    return ExitCode.OK;
                }
                (spec instanceof ObjectNode object ? object : root.putObject("spec")).put("uninstall", true);
                byte[] updated = (json ? mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n"
                        : mapper.writeValueAsString(root)).getBytes(StandardCharsets.UTF_8);
                if (!(app.reader.read(updated) instanceof ReadResult.Valid)) {
                    return fail("the stored spec is invalid, so it cannot be uninstalled through it; `calico-dcos validate` "
                            + "and `apply` a valid one first");
                }
                if (kv.putIfUnchanged(key, updated, stored.get().modRevision()).isPresent()) {
                    out().println("calicocluster/" + etcd.cluster + " uninstalling: spec.uninstall set");
                    out().flush();
                    return ExitCode.OK;
                }
            }
            return fail(key + " keeps changing; try again");
        }
    }

    private int fail(String message) {
        err().println("error: " + message);
        err().flush();
        return ExitCode.FAILED;
    }
}
