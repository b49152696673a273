package dev.calicodcos.controller.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.artifacts.Artifact;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TestCertificates;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The jlink runtime node agents fetch, unpacked the way the Mesos fetcher does it, running the real
 * jar: the commands, the DNS SRV lookup of the etcd proxy, TLS to an etcd that requires client
 * certificates. Each service provider the pom adds beyond jdeps' list is shown to be needed by
 * running the same thing with that one module left out ({@code --limit-modules}).
 */
@Tag("packaged")
@Tag("integration")
class NodeRuntimeIT {
    private static Path sandbox;
    private static Path java;
    private final Path jar = Packaged.jar();

    @BeforeAll
    static void extractAsTheMesosFetcherDoes() throws Exception {
        sandbox = Files.createTempDirectory("sandbox");
        Packaged.Run tar = Packaged.run(sandbox, List.of("tar", "-C", sandbox.toString(), "-xf", Packaged.runtimeTarball().toString()));
        assertThat(tar.exitCode()).as(tar.err()).isZero();
        java = sandbox.resolve("calico-dcos-runtime/bin/java");
    }

    @AfterAll
    static void cleanUp() {
        TempDirs.deleteRecursively(sandbox);
    }

    /**
     * DC/OS agents run CentOS/RHEL 7, whose glibc is 2.17: a runtime whose native code asks for a
     * newer symbol version does not start there ("version `GLIBC_2.34' not found").
     */
    @Test
    void itsNativeCodeNeedsNoNewerGlibcThanCentos7() throws IOException {
        Pattern required = Pattern.compile("GLIBC_2\\.(\\d+)");
        Map<Path, Integer> newest = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sandbox.resolve("calico-dcos-runtime"))) {
            for (Path file : files.filter(Files::isRegularFile).filter(NodeRuntimeIT::isElf).toList()) {
                Matcher m = required.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    newest.merge(sandbox.relativize(file), Integer.parseInt(m.group(1)), Math::max);
                }
            }
        }

        assertThat(newest).as("native files of the runtime").isNotEmpty();
        assertThat(newest).as("glibc minor versions the runtime's native files need; build it with -Druntime.jdk=<a JDK built"
                + " for glibc 2.17, e.g. Eclipse Temurin>").allSatisfy((file, minor) -> assertThat(minor).isLessThanOrEqualTo(17));
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theTarballHoldsOneTopFolderWithJavaAndIsBuiltReproducibly() throws IOException {
        List<TarEntry> entries = entries(Packaged.runtimeTarball());
        List<String> names = entries.stream().map(TarEntry::name).toList();

        assertThat(names).allMatch(n -> n.startsWith("calico-dcos-runtime/")).contains("calico-dcos-runtime/bin/java");
        assertThat(names).isSortedAccordingTo(String::compareTo);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.uid()).as(e.name()).isZero();
            assertThat(e.gid()).as(e.name()).isZero();
        });
        assertThat(entries.stream().map(TarEntry::mtime).distinct()).hasSize(1);
        assertThat(Files.isExecutable(java)).isTrue();
        String sha256File = Files.readString(Path.of(Packaged.runtimeTarball() + ".sha256"));
        assertThat(sha256File).isEqualTo(Artifact.sha256(Packaged.runtimeTarball()) + "  " + Packaged.runtimeTarball().getFileName() + "\n");
    }

    @Test
    void itsModulesAreExactlyTheDecidedOnesWithWhatTheyRequire() throws Exception {
        List<String> decided = Packaged.decidedModules();
        Set<String> expected = Configuration.empty().resolve(ModuleFinder.ofSystem(), ModuleFinder.of(), decided).modules().stream()
                .map(ResolvedModule::name).collect(Collectors.toCollection(TreeSet::new));

        Packaged.Run list = Packaged.run(sandbox, List.of(java.toString(), "--list-modules"));

        Set<String> listed = list.out().lines().map(l -> l.replaceFirst("@.*", "")).collect(Collectors.toCollection(TreeSet::new));

        assertThat(decided).contains("java.base", "jdk.naming.dns");
        assertThat(listed).isEqualTo(expected);
    }

    @Test
    void theJarRunsOnIt() throws Exception {
        Packaged.Run version = Packaged.run(sandbox, List.of(java.toString(), "-jar", jar.toString(), "--version"));
        Packaged.Run validate = Packaged.run(sandbox, List.of(java.toString(), "-jar", jar.toString(), "validate", "-f",
                Packaged.example("full.yaml").toString()));

        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("calico-dcos " + System.getProperty("calico.dcos.version"));
        assertThat(validate.exitCode()).as(validate.out() + validate.err()).isZero();
    }

    @Test
    void aDnsSrvLookupFindsItsJndiProviderAndEndsInADnsAnswer() throws Exception {
        String name = "_etcd-server._tcp.calico-dcos-test.invalid";

        Packaged.Run lookup = probe(name, List.of());
        Packaged.Run withoutProvider = probe(name, List.of("--limit-modules", without("jdk.naming.dns")));

        // NXDOMAIN is an empty answer; a resolver that cannot be reached is a DNS error. Never "no provider".
        assertThat(lookup.exitCode()).as(lookup.err()).isZero();
        assertThat(lookup.out()).matches("(?s)(records \\[]|failed javax\\.naming\\.(CommunicationException|ServiceUnavailableException|NamingException):.*)\\n");
        assertThat(withoutProvider.out()).contains("javax.naming.NoInitialContextException");
    }

    @Test
    void tlsToAnEtcdThatRequiresClientCertificatesWorks() throws Exception {
        Path certDir = Files.createTempDirectory("certs");
        TestCertificates certs = TestCertificates.generate(certDir);
        try (EtcdServer etcd = EtcdServer.start(certs)) {
            List<String> apply = List.of("apply", "-f", Packaged.example("minimal.yaml").toString(), "--etcd-endpoints", etcd.endpoint(),
                    "--etcd-cacert", certs.caCert().toString(), "--etcd-cert", certs.clientCert().toString(),
                    "--etcd-key", certs.clientKey().toString(), "--prefix");

            Packaged.Run withEc = runJar(List.of(), concat(apply, "/with-ec"));

            assertThat(withEc.exitCode()).as(withEc.err()).isZero();
            assertThat(withEc.out()).isEqualTo("calicocluster/default created\n");
            if (Packaged.decidedModules().contains("jdk.crypto.ec")) { // before JDK 22, SunEC is a module of its own
                Packaged.Run withoutEc = runJar(List.of("--limit-modules", without("jdk.crypto.ec")), concat(apply, "/without-ec"));
                // Go's TLS (etcd) offers only elliptic-curve key exchange: without SunEC there is no handshake.
                assertThat(withoutEc.exitCode()).isEqualTo(1);
                assertThat(withoutEc.err()).startsWith("error: etcd");
            }
        } finally {
            TempDirs.deleteRecursively(certDir);
        }
    }

    private Packaged.Run probe(String name, List<String> jvmOptions) throws Exception {
        String classpath = jar + ":" + Path.of(SrvLookupProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> argv = new ArrayList<>(List.of(java.toString()));
        argv.addAll(jvmOptions);
        argv.addAll(List.of("-cp", classpath, SrvLookupProbe.class.getName(), name));
        return Packaged.run(sandbox, argv);
    }

    private Packaged.Run runJar(List<String> jvmOptions, List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(java.toString()));
        argv.addAll(jvmOptions);
        argv.addAll(List.of("-jar", jar.toString()));
        argv.addAll(args);
        return Packaged.run(sandbox, argv);
    }

    /** The decided modules less one, for {@code --limit-modules}. */
    private static String without(String module) throws IOException {
        return Packaged.decidedModules().stream().filter(m -> !m.equals(module)).collect(Collectors.joining(","));
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> all = new ArrayList<>(list);
        all.add(last);
        return all;
    }

    record TarEntry(String name, long uid, long gid, long mtime) {}

    /** The ustar headers of a gzip'd tar (GNU long names included). */
    private static List<TarEntry> entries(Path tarball) throws IOException {
        List<TarEntry> entries = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball))) {
            String longName = null;
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || header[0] == 0) {
                    return entries;
                }
                long size = octal(header, 124, 12);
                byte[] body = in.readNBytes((int) ((size + 511) / 512 * 512));
                if (header[156] == 'L') {
                    longName = new String(body, 0, (int) size, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                String name = longName != null ? longName : new String(header, 0, 100, StandardCharsets.UTF_8).replace("\0", "");
                longName = null;
                entries.add(new TarEntry(name, octal(header, 108, 8), octal(header, 116, 8), octal(header, 136, 12)));
            }
        }
    }

    private static long octal(byte[] header, int offset, int length) {
        String text = new String(header, offset, length, StandardCharsets.US_ASCII).replace("\0", "").trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }
}
