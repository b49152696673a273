package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.sim.master.ResourcePool;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.Test;

// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
class ResourcePoolTest {
    private static Protos.Resource scalar(String name, double v, String role) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(v)).setRole(role).build();
    }

    private static Protos.Resource ports(String role, long... bounds) {
        Protos.Value.Ranges.Builder r = Protos.Value.Ranges.newBuilder();
        for (int i = 0; i < bounds.length; i += 2) {
            r.addRange(Protos.Value.Range.newBuilder().setBegin(bounds[i]).setEnd(bounds[i + 1]));
        }
        return Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES).setRanges(r).setRole(role).build();
    }

    @Test
    void subtractingASubRangeSplitsTheRangeAndScalarsKeepThreeDecimals() {
        ResourcePool offered = ResourcePool.of(List.of(scalar("cpus", 3.5, "*"), ports("*", 1025, 2180)));
        ResourcePool task = ResourcePool.of(List.of(scalar("cpus", 0.1, "*"), ports("*", 1100, 1100)));

        ResourcePool left = offered.minus(task);

        assertThat(left.scalar("cpus")).isEqualTo(3.4);
        assertThat(left.rangesByName()).containsEntry("ports", "[1025-1099, 1101-2180]");
        assertThat(left.plus(task)).isEqualTo(offered);
    }

    @Test
    void resourcesOfAnotherRoleAreNotContained() {
        ResourcePool offered = ResourcePool.of(List.of(scalar("cpus", 4, "slave_public")));

        assertThat(offered.contains(ResourcePool.of(List.of(scalar("cpus", 0.1, "*"))))).isFalse();
        assertThat(offered.contains(ResourcePool.of(List.of(scalar("cpus", 0.1, "slave_public"))))).isTrue();
        assertThat(offered.toProtos(Optional.of("slave_public")).get(0).getAllocationInfo().getRole()).isEqualTo("slave_public");
    }
}
