package dev.calicodcos.controller.packaged;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What must never be in the jar shipped to DC/OS: the simulator, the testkit, the demo, test
 * libraries and our own test classes. Pure: jar entry names in, offences out.
 */
final class NotShipped {
    private static final Map<String, String> PREFIXES = Map.ofEntries(
            Map.entry("dev/calicodcos/sim/", "the simulator"),
            Map.entry("dev/calicodcos/testkit/", "the testkit"),
            Map.entry("dev/calicodcos/demo/", "the demo"),
            // The product speaks JSON to the Mesos master; these protobufs come only with the simulator.
            Map.entry("org/apache/mesos/", "the simulator's Mesos protobufs"),
            Map.entry("org/junit/", "JUnit"),
            Map.entry("org/opentest4j/", "JUnit"),
            Map.entry("org/assertj/", "AssertJ"),
            Map.entry("org/awaitility/", "Awaitility"),
            Map.entry("okhttp3/mockwebserver/", "MockWebServer"));

    /**
     * Ours only: third-party libraries the product needs ship classes named like tests (Bouncy
     * Castle's {@code org/bouncycastle/util/test/SimpleTest}).
     */
    private static final Pattern OUR_TEST_CLASS = Pattern.compile("dev/calicodcos/.*(Test|Tests|IT)(\\$.*)?\\.class");

    private NotShipped() {}

    /** Each offending entry with what it is, in the jar's order. */
    static List<String> offences(Collection<String> entries) {
        return entries.stream().flatMap(entry -> offence(entry).map(what -> entry + " (" + what + ")").stream()).toList();
    }

    private static Optional<String> offence(String entry) {
        if (OUR_TEST_CLASS.matcher(entry).matches()) {
            return Optional.of("a test class");
        }
        return PREFIXES.entrySet().stream().filter(p -> entry.startsWith(p.getKey())).map(Map.Entry::getValue).findFirst();
    }
}
