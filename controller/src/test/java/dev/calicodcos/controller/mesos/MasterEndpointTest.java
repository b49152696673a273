package dev.calicodcos.controller.mesos;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MasterEndpointTest {
    @Test
    void talksToAMasterDirectly() {
        MasterEndpoint master = MasterEndpoint.direct("http://leader.mesos:5050");

        assertThat(master.slaves().toString()).isEqualTo("http://leader.mesos:5050/master/slaves");
        assertThat(master.scheduler().toString()).isEqualTo("http://leader.mesos:5050/api/v1/scheduler");
    }

    @Test
    void prefixesMesosPathsBehindAdminRouter() {
        MasterEndpoint adminRouter = MasterEndpoint.adminRouter("https://dcos.example.com/");

        assertThat(adminRouter.slaves().toString()).isEqualTo("https://dcos.example.com/mesos/master/slaves");
        assertThat(adminRouter.scheduler().toString()).isEqualTo("https://dcos.example.com/mesos/api/v1/scheduler");
    }
}
