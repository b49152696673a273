package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.store.SpecStore;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.validation.ReadResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "apply", description = {
        "Validate a spec and store it in etcd if it differs semantically from the stored one.",
        "Prints calicocluster/<name> created|configured|unchanged. A change made by someone else",
        "between our read and our write is reported, never overwritten."})
final class ApplyCommand extends EtcdCommand {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "Spec file (YAML or JSON).")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        SpecFiles.Loaded loaded = app.specFiles().load(file);
        if (!SpecFiles.report(loaded, err)) {
            return ExitCode.FAILED;
        }
        ReadResult.Valid wanted = loaded.validResult();
        String name = wanted.cluster().name();
        try (KvStore kv = connect()) {
            SpecStore store = new SpecStore(kv, etcd.keys(name));
            Optional<Versioned> current = store.get();
            if (current.isPresent() && sameSpec(current.get(), wanted)) {
                out.println("calicocluster/" + name + " unchanged");
                out.flush();
                return ExitCode.OK;
            }
            long expected = current.map(Versioned::modRevision).orElse(0L);
            OptionalLong written = store.putIfUnchanged(loaded.content(), expected);
            if (written.isEmpty()) {
                err.println("error: calicocluster/" + name + " was changed in etcd by someone else while applying "
                        + "(it was at revision " + expected + "); nothing was written. Review the change (calico-dcos diff -f "
                        + file + ") and apply again.");
                err.flush();
                return ExitCode.FAILED;
            }
            out.println("calicocluster/" + name + (current.isPresent() ? " configured" : " created"));
            out.flush();
            return ExitCode.OK;
        }
    }

    /** Compared as bound values, so reformatting, 300s for 5m, or spelling out a default is no change. */
    private boolean sameSpec(Versioned stored, ReadResult.Valid wanted) {
        ReadResult result = app.reader.read(stored.value());
        return result instanceof ReadResult.Valid valid && valid.cluster().equals(wanted.cluster());
    }
}
