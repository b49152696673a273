package dev.calicodcos.controller.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** calico-dcos.jar holds only the product: what runs on DC/OS, nothing of the tests or the demo. */
@Tag("packaged")
@Tag("integration")
class ShippedJarContentsIT {
    private final Path jar = Packaged.jar();

    @Test
    void itHoldsNoSimulatorTestkitDemoTestLibraryOrTestClass() throws IOException {
        List<String> entries = entries(jar);

        assertThat(entries).as("the product itself").contains("dev/calicodcos/launcher/Main.class", "dev/calicodcos/controller/cli/CalicoDcos.class",
                "dev/calicodcos/kvstore/EtcdKvStore.class", "dev/calicodcos/reconcilers/agent/NodeAgent.class");
        assertThat(NotShipped.offences(entries)).as("entries of " + jar + " that are not the product").isEmpty();
    }

    @Test
    void itHoldsNoneOfTheControllersTestClassesOrTestResources() throws IOException, URISyntaxException {
        Path testClasses = Path.of(ShippedJarContentsIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> testFiles;
        try (Stream<Path> files = Files.walk(testClasses)) {
            testFiles = files.filter(Files::isRegularFile).map(f -> testClasses.relativize(f).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
        }

        assertThat(testFiles).as("the controller's test classes").contains("dev/calicodcos/controller/mesos/InMemoryFrameworkIdStore.class");
        assertThat(entries(jar)).doesNotContainAnyElementsOf(testFiles);
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
        }
    }
}
