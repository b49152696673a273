package dev.calicodcos.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.controller.plan.DisruptionForecast;
import dev.calicodcos.controller.plan.Forecast;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterSnapshot;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.diff.DocumentDiff;
import dev.calicodcos.model.diff.FieldChange;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.validation.ReadResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "diff", description = {
        "Show what applying a spec file would change: field by field, which steps would re-run, and a forecast from",
        "the agents' last reports: which agents re-run which steps, which of them restart docker, the Mesos agent or",
        "the etcd proxy or replace a container, and how many restart waves the budget allows at least. The first",
        DiffCommand.AGENTS_SHOWN + " agents are listed, disruptive ones first; --agents lists every one. With -o json:",
        "one document with the changes, the steps and the whole forecast, every agent included.",
        "Exit 0 no difference, 1 differences, 2 error."})
final class DiffCommand extends EtcdCommand {
    /** However large the cluster, {@code diff} alone lists no more agents than this. */
    static final int AGENTS_SHOWN = 20;

    enum Format { table, json }

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "Spec file (YAML or JSON).")
    Path file;

    @Option(names = "--agents", description = "List every agent that re-runs a step, not only the first " + AGENTS_SHOWN + ".")
    boolean agents;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE}).")
    Format format;

    /** What {@code -o json} prints; {@code forecast} is absent when nothing changes. */
    record DiffDocument(String cluster, List<FieldChange> changes, List<StepName> steps, Optional<Forecast> forecast) {}

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        SpecFiles.Loaded loaded = app.specFiles().load(file);
        if (!SpecFiles.report(loaded, err)) {
            return ExitCode.DIFF_ERROR;
        }
        ReadResult.Valid wanted = loaded.validResult();
        String name = wanted.cluster().name();
        ClusterSnapshot snapshot; // the spec, the plans and the reports as of one revision
        try (KvStore kv = connect()) {
            snapshot = new ClusterStore(kv, new ClusterDocuments(etcd.keys(name), app.codec)).load();
        }
        Optional<ReadResult.Valid> current = snapshot.spec().map(v -> app.reader.read(v.value()))
                .filter(ReadResult.Valid.class::isInstance).map(ReadResult.Valid.class::cast);
        if (snapshot.spec().isPresent() && current.isEmpty()) {
            (format == Format.json ? err : out).println("# the stored spec is invalid; showing the whole file as new");
        }
        JsonNode before = current.map(c -> app.codec.toTree(c.cluster())).orElse(app.codec.json().createObjectNode());
        List<FieldChange> changes = DocumentDiff.between(before, app.codec.toTree(wanted.cluster()));
        StepHashes hashes = new StepHashes(app.codec);
        Map<StepName, String> after = hashes.of(wanted.cluster().spec());
        Map<StepName, String> previous = current.map(c -> hashes.of(c.cluster().spec())).orElse(Map.of());
        List<StepName> steps = after.keySet().stream().filter(step -> !after.get(step).equals(previous.get(step))).toList();
        Optional<Forecast> forecast = changes.isEmpty() ? Optional.empty()
                : Optional.of(forecast(snapshot, current, wanted.cluster().spec(), after));
        if (format == Format.json) {
            out.print(app.codec.toJson(new DiffDocument(name, changes, steps, forecast)) + "\n");
        } else if (changes.isEmpty()) {
            out.println("calicocluster/" + name + " unchanged");
        } else {
            changes.forEach(c -> out.println(c.describe()));
            out.println(rerunLine(steps, previous, after));
            out.println();
            out.print(ForecastText.render(forecast.orElseThrow(), agents ? Integer.MAX_VALUE : AGENTS_SHOWN));
        }
        out.flush();
        return changes.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    /** The agents' plans were made from the spec in force; before the leader wrote one, the stored spec stands in. */
    private static Forecast forecast(ClusterSnapshot snapshot, Optional<ReadResult.Valid> current, CalicoClusterSpec wanted,
                                     Map<StepName, String> wantedHashes) {
        Optional<CalicoClusterSpec> inForce = snapshot.specInForce().map(SpecInForce::spec)
                .or(() -> current.map(c -> c.cluster().spec()));
        Map<String, String> hostnames = snapshot.allRows().values().stream().filter(row -> row.hostname() != null)
                .collect(Collectors.toMap(AgentStatus::agentId, AgentStatus::hostname));
        return DisruptionForecast.of(new DisruptionForecast.Input(inForce, wanted, wantedHashes, snapshot.plans(),
                snapshot.reports(), hostnames));
    }

    private static String rerunLine(List<StepName> steps, Map<StepName, String> before, Map<StepName, String> after) {
        return steps.isEmpty()
                ? "steps to re-run: none (only agent selection or rollout settings change)"
                : "steps to re-run on every selected agent: " + steps.stream()
                        .map(step -> step.id() + " (" + shortHash(before.get(step)) + " → " + shortHash(after.get(step)) + ")")
                        .collect(Collectors.joining(", "));
    }

    private static String shortHash(String hash) {
        return hash == null ? "new" : hash.substring(0, 12);
    }
}
