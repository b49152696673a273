package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The shipped log pattern (controller and node agent share it) keeps URL credentials out of every line. */
class LogRedactionTest {
    @Test
    void credentialsInsideUrlsAreMaskedInMessagesAndStackTraces() throws IOException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(shippedPattern());
        layout.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("dev.calicodcos.test"), Level.WARN,
                "step failed: cannot fetch https://calico:s3cret@artifacts.example.com/calico",
                new IOException("GET http://admin:hunter2@10.0.0.1:8080/x refused"), null);

        String line = layout.doLayout(event);

        assertThat(line).doesNotContain("s3cret", "hunter2", "calico:", "admin:")
                .contains("https://***@artifacts.example.com/calico", "http://***@10.0.0.1:8080/x", "java.io.IOException");
    }

    private static String shippedPattern() throws IOException {
        try (InputStream in = LogRedactionTest.class.getResourceAsStream("/logback.xml")) {
            Matcher m = Pattern.compile("<pattern>(.*)</pattern>").matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertThat(m.find()).isTrue();
            return m.group(1);
        }
    }
}
