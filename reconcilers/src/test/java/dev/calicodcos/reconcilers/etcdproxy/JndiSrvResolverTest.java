package dev.calicodcos.reconcilers.etcdproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.reconcilers.etcdproxy.JndiSrvResolver.SrvRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SRV answers in one stable order, whatever order the DNS server rotates them into. */
class JndiSrvResolverTest {
    @Test
    void recordsAreOrderedByPriorityThenWeightThenNameSoARotatedAnswerGivesTheSameUnit() {
        List<SrvRecord> answer = List.of(SrvRecord.parse("0 1 2379 b.etcd.mesos."), SrvRecord.parse("0 1 2379 a.etcd.mesos."),
                SrvRecord.parse("0 5 2379 c.etcd.mesos."), SrvRecord.parse("1 9 2379 d.etcd.mesos."));
        List<SrvRecord> rotated = List.of(answer.get(3), answer.get(1), answer.get(0), answer.get(2));

        assertThat(JndiSrvResolver.ordered(answer))
                .containsExactly("c.etcd.mesos:2379", "a.etcd.mesos:2379", "b.etcd.mesos:2379", "d.etcd.mesos:2379")
                .isEqualTo(JndiSrvResolver.ordered(rotated));
    }
}
