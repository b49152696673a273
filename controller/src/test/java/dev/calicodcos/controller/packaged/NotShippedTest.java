package dev.calicodcos.controller.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotShippedTest {

    @Test
    void simulatorTestkitDemoTestLibrariesAndOurTestClassesAreOffences() {
        List<String> entries = List.of(
                "dev/calicodcos/controller/cli/CalicoDcos.class",
                "dev/calicodcos/sim/SimulatedCluster.class",
                "dev/calicodcos/testkit/EtcdServer.class",
                "dev/calicodcos/demo/DemoCluster.class",
                "org/apache/mesos/v1/Protos.class",
                "org/junit/jupiter/api/Test.class",
                "org/assertj/core/api/Assertions.class",
                "org/awaitility/Awaitility.class",
                "okhttp3/mockwebserver/MockWebServer.class",
                "dev/calicodcos/controller/cli/CommandLineTest.class",
                "dev/calicodcos/controller/packaged/ShippedJarContentsIT$1.class",
                "org/bouncycastle/util/test/SimpleTest.class",
                "org/bouncycastle/jcajce/provider/symmetric/PBEPBKDF2$PBKDF2with8BIT.class",
                "dev/calicodcos/controller/mesos/TaskState.class");

        assertThat(NotShipped.offences(entries)).containsExactly(
                "dev/calicodcos/sim/SimulatedCluster.class (the simulator)",
                "dev/calicodcos/testkit/EtcdServer.class (the testkit)",
                "dev/calicodcos/demo/DemoCluster.class (the demo)",
                "org/apache/mesos/v1/Protos.class (the simulator's Mesos protobufs)",
                "org/junit/jupiter/api/Test.class (JUnit)",
                "org/assertj/core/api/Assertions.class (AssertJ)",
                "org/awaitility/Awaitility.class (Awaitility)",
                "okhttp3/mockwebserver/MockWebServer.class (MockWebServer)",
                "dev/calicodcos/controller/cli/CommandLineTest.class (a test class)",
                "dev/calicodcos/controller/packaged/ShippedJarContentsIT$1.class (a test class)");
    }
}
