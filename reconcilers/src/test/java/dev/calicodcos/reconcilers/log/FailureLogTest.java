package dev.calicodcos.reconcilers.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.calicodcos.reconcilers.LogCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class FailureLogTest {
    private static final String LOGGER = "test." + FailureLogTest.class.getSimpleName();

    private final LogCapture logs = LogCapture.of(LOGGER);
    private final FailureLog failures = new FailureLog(LoggerFactory.getLogger(LOGGER));

    @AfterEach
    void detach() {
        logs.close();
    }

    @Test
    void aFailureThatRepeatsShowsItsStackTraceOnceThenOneLineEachTime() {
        for (int i = 0; i < 3; i++) {
            failures.failed(Level.WARN, "pass failed", etcdDown());
        }

        assertThat(logs.events()).hasSize(3);
        assertThat(logs.events()).extracting(ILoggingEvent::getLevel).containsOnly(ch.qos.logback.classic.Level.WARN);
        assertThat(logs.events().get(0).getThrowableProxy()).isNotNull();
        assertThat(logs.events().get(0).getFormattedMessage()).contains("pass failed", "connection refused");
        assertThat(logs.events().subList(1, 3)).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
        assertThat(logs.events().get(2).getFormattedMessage()).contains("pass failed", "connection refused", "3 times in a row");
    }

    @Test
    void aDifferentFailureShowsItsStackTraceAgain() {
        failures.failed(Level.WARN, "pass failed", etcdDown());
        failures.failed(Level.WARN, "pass failed", etcdDown());
        failures.failed(Level.ERROR, "pass failed", new IllegalStateException("unreadable plan"));

        assertThat(logs.events()).extracting(e -> e.getThrowableProxy() != null).containsExactly(true, false, true);
        assertThat(logs.events().get(2).getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
    }

    @Test
    void theSameFailureAfterASuccessShowsItsStackTraceAgain() {
        failures.failed(Level.WARN, "pass failed", etcdDown());
        failures.succeeded();
        failures.failed(Level.WARN, "pass failed", etcdDown());

        assertThat(logs.events()).extracting(e -> e.getThrowableProxy() != null).containsExactly(true, true);
    }

    @Test
    void aFailureWithAnotherRootCauseIsADifferentFailure() {
        failures.failed(Level.WARN, "pass failed", new IllegalStateException("etcd", new IOException("connection refused")));
        failures.failed(Level.WARN, "pass failed", new IllegalStateException("etcd", new IOException("deadline exceeded")));

        assertThat(logs.events()).extracting(e -> e.getThrowableProxy() != null).containsExactly(true, true);
    }

    private static RuntimeException etcdDown() {
        return new IllegalStateException("etcd: connection refused", new UncheckedIOException(new IOException("connection refused")));
    }
}
