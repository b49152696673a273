package dev.calicodcos.controller.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code calico-dcos demo} from before the demo got its own jar: the shipped jar holds only the
 * product, so this says where the demo went instead of "unknown command". Hidden from help.
 */
@Command(name = "demo", hidden = true, description = "The demo is not in this jar: java -jar demo/target/calico-dcos-demo.jar in a source checkout.")
final class MovedDemoCommand implements Callable<Integer> {
    static final String WHERE = "the demo is not part of calico-dcos.jar, which holds only the product: build the source checkout"
            + " and run java -jar demo/target/calico-dcos-demo.jar (same options; see the README)";

    @Spec
    CommandSpec spec;

    /** The old options (--agents N, --exit-when-ready, …): the answer is the same. */
    @Unmatched
    List<String> ignored;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: " + WHERE);
        spec.commandLine().getErr().flush();
        return ExitCode.USAGE;
    }
}
