package dev.calicodcos.sim.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.Test;

/** Refused-offer filters as Mesos' allocator makes and applies them. */
// Resource.role is deprecated in mesos.proto but is the wire field without RESERVATION_REFINEMENT.
@SuppressWarnings("deprecation")
class OfferFiltersTest {
    private static final Duration ALLOCATION = Duration.ofSeconds(1);
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void refuseSecondsAreReadAsTheAllocatorReadsThem() {
        assertThat(OfferFilters.refuseFor(3600, ALLOCATION)).contains(Duration.ofHours(1));
        assertThat(OfferFilters.refuseFor(1e12, ALLOCATION)).as("capped").contains(Duration.ofDays(365));
        assertThat(OfferFilters.refuseFor(Double.POSITIVE_INFINITY, ALLOCATION)).contains(Duration.ofDays(365));
        assertThat(OfferFilters.refuseFor(-1, ALLOCATION)).as("negative: the default").contains(Duration.ofSeconds(5));
        assertThat(OfferFilters.refuseFor(Double.NaN, ALLOCATION)).as("no duration: the default").contains(Duration.ofSeconds(5));
        assertThat(OfferFilters.refuseFor(0, ALLOCATION)).as("zero: no filter").isEmpty();
        assertThat(OfferFilters.refuseFor(0.2, ALLOCATION)).as("outlives the next allocation (MESOS-4302)").contains(ALLOCATION);
    }

    @Test
    void aLiveFilterWithholdsOffersItHoldsEntirelyOnItsAgentAndRoleOnly() {
        OfferFilters filters = new OfferFilters();
        filters.add(new Records.Filter("S1", "calico", pool(2, 1024), NOW.plusSeconds(60)));

        assertThat(filters.refuses("S1", "calico", pool(2, 1024), NOW)).isTrue();
        assertThat(filters.refuses("S1", "calico", pool(1, 512), NOW)).as("less than refused").isTrue();
        assertThat(filters.refuses("S1", "calico", pool(4, 1024), NOW)).as("more than refused passes").isFalse();
        assertThat(filters.refuses("S2", "calico", pool(2, 1024), NOW)).as("another agent").isFalse();
        assertThat(filters.refuses("S1", "slave_public", pool(2, 1024), NOW)).as("another role").isFalse();
        assertThat(filters.refuses("S1", "calico", pool(2, 1024), NOW.plusSeconds(60))).as("expired").isFalse();
    }

    @Test
    void expiryAndReviveRemoveFilters() {
        OfferFilters filters = new OfferFilters();
        filters.add(new Records.Filter("S1", "calico", pool(2, 1024), NOW.plusSeconds(5)));
        filters.add(new Records.Filter("S1", "slave_public", pool(2, 1024), NOW.plusSeconds(60)));
        filters.add(new Records.Filter("S2", "calico", pool(2, 1024), NOW.plusSeconds(60)));

        filters.expire(NOW.plusSeconds(5));
        assertThat(filters.size()).isEqualTo(2);
        filters.clearRoles(List.of("calico"));
        assertThat(filters.size()).isEqualTo(1);
        assertThat(filters.refuses("S1", "slave_public", pool(2, 1024), NOW)).isTrue();
    }

    private static ResourcePool pool(double cpus, double mem) {
        return ResourcePool.of(List.of(scalar("cpus", cpus), scalar("mem", mem)));
    }

    private static Protos.Resource scalar(String name, double value) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(value)).setRole("*").build();
    }
}
