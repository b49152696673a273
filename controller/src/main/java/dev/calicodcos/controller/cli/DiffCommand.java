package dev.calicodcos.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.controller.store.SpecStore;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.diff.DocumentDiff;
import dev.calicodcos.model.diff.FieldChange;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.validation.ReadResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "diff", description = {
        "Show what applying a spec file would change: field by field, and which steps would re-run.",
        "Exit 0 no difference, 1 differences, 2 error."})
final class DiffCommand extends EtcdCommand {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "Spec file (YAML or JSON).")
    Path file;

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
        Optional<ReadResult.Valid> current;
        try (KvStore kv = connect()) {
            Optional<Versioned> stored = new SpecStore(kv, etcd.keys(name)).get();
            current = stored.map(v -> app.reader.read(v.value()))
                    .filter(ReadResult.Valid.class::isInstance).map(ReadResult.Valid.class::cast);
            if (stored.isPresent() && current.isEmpty()) {
                out.println("# the stored spec is invalid; showing the whole file as new");
            }
        }
        JsonNode before = current.map(c -> app.codec.toTree(c.cluster())).orElse(app.codec.json().createObjectNode());
        List<FieldChange> changes = DocumentDiff.between(before, app.codec.toTree(wanted.cluster()));
        if (changes.isEmpty()) {
            out.println("calicocluster/" + name + " unchanged");
            out.flush();
            return ExitCode.OK;
        }
        changes.forEach(c -> out.println(c.describe()));
        out.println(rerunLine(current, wanted));
        out.flush();
        return ExitCode.FAILED;
    }

    private String rerunLine(Optional<ReadResult.Valid> current, ReadResult.Valid wanted) {
        StepHashes hashes = new StepHashes(app.codec);
        Map<StepName, String> after = hashes.of(wanted.cluster().spec());
        Map<StepName, String> before = current.map(c -> hashes.of(c.cluster().spec())).orElse(Map.of());
        List<String> steps = after.keySet().stream()
                .filter(step -> !after.get(step).equals(before.get(step)))
                .map(step -> step.id() + " (" + shortHash(before.get(step)) + " → " + shortHash(after.get(step)) + ")")
                .toList();
        return steps.isEmpty()
                ? "steps to re-run: none (only agent selection or rollout settings change)"
                : "steps to re-run on every selected agent: " + String.join(", ", steps);
    }

    private static String shortHash(String hash) {
        return hash == null ? "new" : hash.substring(0, 12);
    }
}
