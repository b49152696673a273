package dev.calicodcos.e2e.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The layering the package-info files state, checked on the product's classes (main code of every
 * module, no tests). Each test is one rule; when one fails, either the change crossed a line the
 * design draws, or the design changed and the package-info, docs/architecture.md and the rule change
 * together.
 */
// integration: slow, not a process: importing every product class from the classpath takes 10-20 s
@Tag("integration")
class LayeringTest {
    private static final String OURS = "dev.calicodcos..";
    private static final String MODEL = "dev.calicodcos.model..";
    private static final String KVSTORE = "dev.calicodcos.kvstore..";
    private static final String RECONCILERS = "dev.calicodcos.reconcilers..";
    private static final String CONTROLLER = "dev.calicodcos.controller..";
    private static final String SIM = "dev.calicodcos.sim..";
    private static final String TESTKIT = "dev.calicodcos.testkit..";
    private static final String LAUNCHER = "dev.calicodcos.launcher..";

    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // ArchUnit knows test-classes folders, not test jars: the controller's is on this classpath.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.calicodcos");
        // A rule over a module that was not imported would pass without checking anything.
        for (String module : new String[] {MODEL, KVSTORE, RECONCILERS, CONTROLLER, SIM, TESTKIT, LAUNCHER}) {
            assertThat(product.that(resideInAPackage(module))).as("imported classes of %s", module).isNotEmpty();
        }
    }

    /** Libraries allowed by name, so that no client library (jetcd, okhttp, docker-java, picocli, …) gets in. */
    @Test
    void modelDependsOnNoOtherModuleAndNoClientLibrary() {
        classes().that().resideInAPackage(MODEL)
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        MODEL, "java..", "com.fasterxml.jackson..", "org.yaml.snakeyaml..", "com.networknt.schema..")
                .because("model is the shared vocabulary: records, codec and validation, readable by every process and"
                        + " version without a client library")
                .check(product);
    }

    @Test
    void kvstoreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage(KVSTORE)
                .should().dependOnClassesThat(resideInAPackage(OURS).and(not(resideInAPackage(KVSTORE))))
                .because("the etcd port is shared by the controller and the node agent and knows nothing of either")
                .check(product);
    }

    @Test
    void reconcilersDependOnNoModuleOfOursButTheModelAndTheEtcdPort() {
        noClasses().that().resideInAPackage(RECONCILERS)
                .should().dependOnClassesThat(resideInAPackage(OURS).and(not(resideInAnyPackage(RECONCILERS, MODEL, KVSTORE))))
                .because("the node agent shares only the model and the etcd port with the controller, and never runs a simulator")
                .check(product);
    }

    @Test
    void theNodeAgentReachesEtcdOnlyThroughThePort() {
        noClasses().that().resideInAPackage("dev.calicodcos.reconcilers.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("io.etcd..", "io.grpc..")
                .because("the node agent's loop is tested on the port's in-memory twin (testkit's InMemoryKvStore)")
                .check(product);
    }

    @Test
    void nodeAgentLayersHostPortThenStepContractThenStepsThenTheLoop() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Host port").definedBy("dev.calicodcos.reconcilers.host..")
                .layer("Step contract").definedBy("dev.calicodcos.reconcilers.step..")
                .layer("etcdProxy step").definedBy("dev.calicodcos.reconcilers.etcdproxy..")
                .layer("dockerClusterStore step").definedBy("dev.calicodcos.reconcilers.docker..")
                .layer("cni step").definedBy("dev.calicodcos.reconcilers.cni..")
                .layer("container steps").definedBy("dev.calicodcos.reconcilers.container..")
                .layer("Node agent").definedBy("dev.calicodcos.reconcilers.agent..")
                .whereLayer("Node agent").mayNotBeAccessedByAnyLayer()
                .whereLayer("etcdProxy step").mayOnlyBeAccessedByLayers("Node agent")
                .whereLayer("dockerClusterStore step").mayOnlyBeAccessedByLayers("Node agent")
                .whereLayer("cni step").mayOnlyBeAccessedByLayers("Node agent")
                .whereLayer("container steps").mayOnlyBeAccessedByLayers("Node agent")
                .whereLayer("Step contract").mayOnlyBeAccessedByLayers(
                        "etcdProxy step", "dockerClusterStore step", "cni step", "container steps", "Node agent")
                .because("steps act only through the Host port, know nothing of each other, and only the node agent"
                        + " runs them (reconcilers/DESIGN.md)")
                .check(product);
    }

    @Test
    void controllerNeverUsesTheSimulatorOrTestkit() {
        noClasses().that().resideInAPackage(CONTROLLER)
                .should().dependOnClassesThat().resideInAnyPackage(SIM, TESTKIT)
                .because("the shipped jar holds only the product")
                .check(product);
    }

    @Test
    void simulatorAndTestkitKnowNothingOfTheProductButTheEtcdPort() {
        noClasses().that().resideInAPackage(SIM)
                .should().dependOnClassesThat(resideInAPackage(OURS).and(not(resideInAPackage(SIM))))
                .because("the simulator stands in for DC/OS, which knows nothing of calico-dcos")
                .check(product);
        noClasses().that().resideInAPackage(TESTKIT)
                .should().dependOnClassesThat(resideInAPackage(OURS).and(not(resideInAnyPackage(TESTKIT, KVSTORE))))
                .because("testkit starts real servers for any test, of any module; it knows only the etcd port, to be"
                        + " its in-memory twin")
                .check(product);
    }

    @Test
    void plannerDependsOnlyOnTheModelAndTheJdkCollectionsAndTime() {
        classes().that().resideInAPackage("dev.calicodcos.controller.plan..")
                .should().onlyDependOnClassesThat().resideInAnyPackage( // java.lang without its subpackages: no reflection
                        "dev.calicodcos.controller.plan..", MODEL, "java.lang", "java.util..", "java.time..")
                .because("the planner is a pure function: no etcd, no HTTP, no files, no logging")
                .check(product);
    }

    @Test
    void plannerReadsNoClockNoChanceAndNoEnvironment() {
        noClasses().that().resideInAPackage("dev.calicodcos.controller.plan..")
                .should().callMethodWhere(READS_THE_WORLD)
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.time.Clock.class.getName())
                .orShould().dependOnClassesThat().areAssignableTo(java.util.Random.class)
                .because("time comes in as PlanInput.now, so the same input always gives the same plans")
                .check(product);
    }

    @Test
    void mesosAndDcosClientsKnowNothingOfTheRestOfTheController() {
        noClasses().that().resideInAnyPackage("dev.calicodcos.controller.mesos..", "dev.calicodcos.controller.dcos..")
                .should().dependOnClassesThat(resideInAPackage(OURS)
                        .and(not(resideInAnyPackage(
                                "dev.calicodcos.controller.mesos..", "dev.calicodcos.controller.dcos.."))))
                .because("they are clients of Mesos and DC/OS, usable (and tested) on their own")
                .check(product);
    }

    @Test
    void launcherUsesOnlyTheJdk() {
        classes().that().resideInAPackage(LAUNCHER)
                .should().onlyDependOnClassesThat().resideInAnyPackage(LAUNCHER, "java..")
                .because("the launcher must load on DC/OS's Java 8 before anything else of ours can")
                .check(product);
    }

    @Test
    void launcherClassFilesLoadOnJava8() throws IOException {
        Map<String, Integer> majorVersions = new TreeMap<>();
        for (JavaClass c : product.that(resideInAPackage(LAUNCHER))) {
            URI source = c.getSource().orElseThrow().getUri();
            try (InputStream in = source.toURL().openStream(); DataInputStream data = new DataInputStream(in)) {
                assertThat(data.readInt()).as("class file magic of %s", c.getName()).isEqualTo(0xCAFEBABE);
                data.readUnsignedShort(); // minor version
                majorVersions.put(c.getName(), data.readUnsignedShort());
            }
        }
        assertThat(majorVersions).as("launcher classes").isNotEmpty();
        assertThat(majorVersions).as("class file versions (52 = Java 8)")
                .allSatisfy((name, major) -> assertThat(major).isLessThanOrEqualTo(52));
    }

    @Test
    void packagesOfAModuleFormNoCycles() {
        slices().matching("dev.calicodcos.(**)")
                .should().beFreeOfCycles()
                .because("a package is understood, tested and replaced on its own only when it does not need its users")
                // Cycles there are today, each broken here at the edge that goes back up; a new cycle still fails.
                // sim <-> sim.master, sim.agent, sim.docker: the composition root SimulatedCluster wires them, and they
                // read the value record sim.AgentSpec that lives beside it (it belongs in a leaf package).
                .ignoreDependency(resideInAPackage(SIM), classOrNested("dev.calicodcos.sim.AgentSpec"))
                // sim <-> sim.admin: the admin endpoint injects faults through sim.ClusterFaults.
                .ignoreDependency(resideInAPackage("dev.calicodcos.sim.admin"), classOrNested("dev.calicodcos.sim.ClusterFaults"))
                // sim.agent <-> sim.docker: SimAgent owns its DockerEngineFake, which reads the agent's sim.agent.HostRoot.
                .ignoreDependency(resideInAPackage("dev.calicodcos.sim.docker"), classOrNested("dev.calicodcos.sim.agent.HostRoot"))
                .check(product);
    }

    /** A class or one nested in it. */
    private static DescribedPredicate<JavaClass> classOrNested(String name) {
        return DescribedPredicate.describe("named " + name, c -> c.getName().equals(name) || c.getName().startsWith(name + "$"));
    }

    private static final Set<String> SYSTEM_READS = Set.of("currentTimeMillis", "nanoTime", "getenv", "getProperty");

    /** Calls that make a result depend on when, where or by chance it was computed. */
    private static final DescribedPredicate<JavaMethodCall> READS_THE_WORLD = DescribedPredicate.describe(
            "read the clock, chance or the environment", call -> {
                String owner = call.getTargetOwner().getName();
                String name = call.getName();
                return owner.startsWith("java.time.") && name.equals("now")
                        || owner.equals(System.class.getName()) && SYSTEM_READS.contains(name)
                        || owner.equals(Math.class.getName()) && name.equals("random")
                        || owner.equals(java.util.UUID.class.getName()) && name.equals("randomUUID");
            });
}
