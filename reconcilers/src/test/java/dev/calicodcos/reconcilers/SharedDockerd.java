package dev.calicodcos.reconcilers;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.testkit.BusyboxImage;
import dev.calicodcos.testkit.Dockerd;
import java.util.Optional;

/**
 * One private dockerd for every test in this JVM (starting one costs a second or two), with the
 * test image {@value #IMAGE} imported from a busybox rootfs. Tests that need it call
 * {@link #require()}: where dockerd cannot start they are skipped with the reason, visibly.
 */
public final class SharedDockerd {
    public static final String IMAGE = "calico/node:test";

    private static Dockerd engine;
    private static String whyNot;

    private SharedDockerd() {}

    public static synchronized Dockerd require() {
        if (engine == null && whyNot == null) {
            Dockerd.Result started = Dockerd.start();
            whyNot = started.whyNot();
            Optional<Dockerd> d = started.engine();
            if (d.isPresent()) {
                if (BusyboxImage.busybox().isEmpty()) {
                    d.get().close();
                    whyNot = "busybox is not installed (apt-get install busybox-static); cannot make a test image";
                } else {
                    BusyboxImage.importInto(d.get().dockerHost(), IMAGE);
                    engine = d.get();
                    Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
                }
            }
        }
        if (engine == null) {
            System.err.println("SKIPPED (no Docker engine): " + whyNot);
        }
        assumeTrue(engine != null, "no Docker engine: " + whyNot);
        if (!engine.answersPing()) {
            engine.startAgain(); // a test stopped it on purpose
        }
        return engine;
    }
}
