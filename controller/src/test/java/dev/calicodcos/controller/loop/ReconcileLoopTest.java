package dev.calicodcos.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.calicodcos.controller.election.Leadership;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.status.ClusterStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The controller's loop: a failure that comes back at every backoff shows its stack trace once. */
class ReconcileLoopTest {
    private static final KvStore.Fence FENCE = new KvStore.Fence("election/leader", 1);

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ReconcileLoop.class);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicInteger successes = new AtomicInteger();
    private ReconcileLoop loop;

    @BeforeEach
    void start() {
        logs.start();
        logger.addAppender(logs);
        ReconcilePass pass = fence -> {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
            successes.incrementAndGet();
            return new PassResult(PassResult.Outcome.UNCHANGED, ClusterStatus.empty(), Set.of());
        };
        loop = new ReconcileLoop(pass, new Leading(), Duration.ofMillis(100), new SimpleMeterRegistry(), result -> { });
    }

    @AfterEach
    void stop() {
        loop.close();
        logger.detachAppender(logs);
    }

    @Test
    void aFailureThatRepeatsLogsItsStackTraceOnceThenOneLinePerRetry() {
        failure.set(new IllegalStateException("etcd: deadline exceeded"));

        loop.trigger();

        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() >= 3);
        assertThat(events()).allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("reconcile failed", "deadline exceeded"));
        assertThat(events()).extracting(e -> e.getThrowableProxy() != null).startsWith(true, false, false).containsOnlyOnce(true);
    }

    @Test
    void aPassThatHoldsItsStatusBackGetsTheNextPassByThenEvenWithASlowResync() {
        AtomicInteger passes = new AtomicInteger();
        ReconcilePass holdsBack = fence -> new PassResult(PassResult.Outcome.WROTE, ClusterStatus.empty(), Set.of(),
                passes.incrementAndGet() == 1 ? Duration.ofMillis(50) : null);
        try (ReconcileLoop slow = new ReconcileLoop(holdsBack, new Leading(), Duration.ofHours(1), new SimpleMeterRegistry(), result -> { })) {
            slow.trigger();

            await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() == 2);
        }
    }

    @Test
    void afterASuccessTheSameFailureShowsItsStackTraceAgain() {
        failure.set(new IllegalStateException("etcd: deadline exceeded"));
        loop.trigger();
        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() >= 2);

        failure.set(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> successes.get() > 0);
        int logged = events().size();
        failure.set(new IllegalStateException("etcd: deadline exceeded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() > logged);

        assertThat(events().get(logged).getThrowableProxy()).as("the first failure after a success").isNotNull();
    }

    private List<ILoggingEvent> events() {
        synchronized (logs.list) {
            return List.copyOf(logs.list);
        }
    }

    /** This replica always leads. */
    private static final class Leading implements Leadership {
        @Override
        public Optional<KvStore.Fence> fence() {
            return Optional.of(FENCE);
        }

        @Override
        public void lost(KvStore.Fence fence) {
            throw new AssertionError("the loop gave up leadership");
        }
    }
}
