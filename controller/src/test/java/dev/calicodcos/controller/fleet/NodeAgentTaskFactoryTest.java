package dev.calicodcos.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.Resource;
import dev.calicodcos.controller.mesos.ResourceOrigin;
import dev.calicodcos.controller.mesos.TaskLaunch;
import dev.calicodcos.model.spec.Resources;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeAgentTaskFactoryTest {
    private final NodeAgentTaskFactory factory = new NodeAgentTaskFactory("/opt/java/bin/java", "http://c:8080/artifacts/calico-dcos.jar",
            List.of("--etcd-endpoints", "http://e:2379"), "0.1.0-abc", 0.2, 384, Map.of());
    private final Offer offer = new Offer("o1", "fw", "a1", "a1.example.com", Optional.of("slave_public"),
            List.of(Resource.scalar("cpus", 2, ResourceOrigin.of("slave_public", "slave_public")),
                    Resource.scalar("mem", 4096, ResourceOrigin.of("slave_public", "slave_public"))), Map.of(), List.of());

    @Test
    void theTaskRunsTheFetchedJarWithoutAShellAndTakesItsResourcesFromTheOffer() {
        TaskLaunch task = factory.launch(offer, "a1", 7);

        assertThat(task.command().shell()).isFalse();
        assertThat(task.command().value()).isEqualTo("/opt/java/bin/java");
        assertThat(task.command().arguments()).containsSubsequence("-jar", "calico-dcos.jar", "node", "--agent-id", "a1",
                "--etcd-endpoints", "http://e:2379");
        assertThat(task.command().uris()).extracting(u -> u.value()).containsExactly("http://c:8080/artifacts/calico-dcos.jar");
        assertThat(task.resources()).extracting(Resource::name, Resource::scalar).containsExactly(
                org.assertj.core.groups.Tuple.tuple("cpus", 0.2), org.assertj.core.groups.Tuple.tuple("mem", 384.0));
        assertThat(task.resources().get(0).origin().role()).contains("slave_public");
    }

    @Test
    void theEtcdProxysResourcesAreAddedToTheTask() {
        TaskLaunch task = factory.plus(new Resources(0.1, 128)).launch(offer, "a1", 8);

        assertThat(task.resources()).extracting(Resource::scalar).containsExactly(0.3, 512.0);
    }
}
