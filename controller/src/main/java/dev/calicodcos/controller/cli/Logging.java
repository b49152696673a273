package dev.calicodcos.controller.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** CLI commands log only warnings; long-running commands log decisions too, unless the user chose a level. */
final class Logging {
    private Logging() {}

    static void forLongRunningCommand() {
        if (System.getenv("CALICO_DCOS_LOG_LEVEL") == null) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
            // gRPC and Netty are chatty at INFO about things that are not ours to act on.
            ((Logger) LoggerFactory.getLogger("io.grpc")).setLevel(Level.WARN);
            ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.WARN);
            ((Logger) LoggerFactory.getLogger("io.etcd")).setLevel(Level.WARN);
        }
    }
}
