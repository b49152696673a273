package dev.calicodcos.controller.cli;

import dev.calicodcos.kvstore.KvStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every command that talks to etcd shares: the app, its streams, and the etcd options. */
abstract class EtcdCommand implements Callable<Integer> {

    @ParentCommand
    CalicoDcos app;

    @Spec
    CommandSpec spec;

    @Mixin
    EtcdCliOptions etcd;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    KvStore connect() {
        return app.connector.connect(etcd.etcd());
    }
}
