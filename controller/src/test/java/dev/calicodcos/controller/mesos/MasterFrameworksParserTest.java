package dev.calicodcos.controller.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MasterFrameworksParserTest {
    /**
     * {@code /master/frameworks} as Mesos 1.x writes it (readonly_handler.cpp FullFrameworkWriter, common/http.cpp
     * {@code json(Task)}), trimmed: Marathon with a Docker task, a UCR task and one staging; calico-dcos's node agent
     * (a command task without {@code container}); completed tasks and a completed framework, which are not live.
     */
    static final String ANSWER = """
            {"frameworks": [
              {"id": "fw-marathon", "name": "marathon", "pid": "scheduler-1@10.0.4.22:15101", "used_resources": {"cpus": 1.2},
               "offered_resources": {}, "capabilities": ["PARTITION_AWARE"], "hostname": "10.0.4.22", "webui_url": "http://10.0.4.22:8080",
               "active": true, "connected": true, "recovered": false, "user": "root", "failover_timeout": 604800.0, "checkpoint": true,
               "registered_time": 1699989100.1, "unregistered_time": 0, "principal": "dcos_marathon", "resources": {"cpus": 1.2},
               "role": "slave_public",
               "tasks": [
                 {"id": "web.6f1c", "name": "web", "framework_id": "fw-marathon", "executor_id": "", "slave_id": "S1",
                  "state": "TASK_RUNNING", "resources": {"cpus": 0.5, "mem": 128.0}, "role": "slave_public",
                  "statuses": [{"state": "TASK_RUNNING", "timestamp": 1699990001.2,
                                "container_status": {"container_id": {"value": "c1"}, "network_infos": [{"ip_addresses": [{"ip_address": "10.0.1.21"}]}]}}],
                  "labels": [{"key": "DCOS_SPACE", "value": "/web"}],
                  "discovery": {"visibility": "FRAMEWORK", "name": "web"},
                  "container": {"type": "DOCKER", "docker": {"image": "nginx:1.25", "network": "BRIDGE", "privileged": false,
                                "force_pull_image": false, "port_mappings": [{"host_port": 10101, "container_port": 80, "protocol": "tcp"}]}}},
                 {"id": "api.0b9e", "name": "api", "framework_id": "fw-marathon", "executor_id": "", "slave_id": "S1",
                  "state": "TASK_RUNNING", "resources": {"cpus": 0.5}, "role": "*", "statuses": [],
                  "container": {"type": "MESOS", "mesos": {"image": {"type": "DOCKER", "docker": {"name": "python:3"}}}}},
                 {"id": "db.1", "name": "db", "framework_id": "fw-marathon", "executor_id": "", "slave_id": "S2",
                  "state": "TASK_STAGING", "resources": {}, "role": "*", "statuses": []}
               ],
               "unreachable_tasks": [],
               "completed_tasks": [
                 {"id": "web.old", "name": "web", "framework_id": "fw-marathon", "executor_id": "", "slave_id": "S1",
                  "state": "TASK_KILLED", "resources": {}, "role": "*", "statuses": [], "container": {"type": "DOCKER"}}
               ],
               "offers": [], "executors": [], "labels": []},
              {"id": "fw-calico", "name": "calico-dcos", "active": true, "checkpoint": true, "roles": ["calico-dcos", "slave_public"],
               "tasks": [
                 {"id": "calico-node-agent_1.0.0_1_S1", "name": "calico-node-agent", "framework_id": "fw-calico", "executor_id": "",
                  "slave_id": "S1", "state": "TASK_RUNNING", "resources": {"cpus": 0.2}, "role": "calico-dcos", "statuses": []}
               ],
               "unreachable_tasks": [], "completed_tasks": [], "offers": [], "executors": []}
            ],
            "completed_frameworks": [
              {"id": "fw-old", "name": "spark", "checkpoint": false,
               "tasks": [{"id": "t", "name": "t", "framework_id": "fw-old", "slave_id": "S1", "state": "TASK_RUNNING"}],
               "completed_tasks": []}
            ],
            "unregistered_frameworks": []}
            """;

    private final MasterFrameworksParser parser = new MasterFrameworksParser(new ObjectMapper());

    private List<MasterTask> parse(String body) {
        return parser.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsTheLiveTasksOfActiveFrameworksWithTheirFrameworkAndContainer() {
        List<MasterTask> tasks = parse(ANSWER);

        assertThat(tasks).containsExactly(
                new MasterTask("web.6f1c", "web", "fw-marathon", "marathon", true, "S1", TaskState.TASK_RUNNING, Optional.of("DOCKER")),
                new MasterTask("api.0b9e", "api", "fw-marathon", "marathon", true, "S1", TaskState.TASK_RUNNING, Optional.of("MESOS")),
                new MasterTask("db.1", "db", "fw-marathon", "marathon", true, "S2", TaskState.TASK_STAGING, Optional.empty()),
                new MasterTask("calico-node-agent_1.0.0_1_S1", "calico-node-agent", "fw-calico", "calico-dcos", true, "S1",
                        TaskState.TASK_RUNNING, Optional.empty()));
    }

    @Test
    void theFrameworksOfStateReadTheSame() {
        String state = "{\"version\": \"1.11.0\", \"slaves\": [{\"id\": \"S1\", \"hostname\": \"10.0.1.21\"}], "
                + ANSWER.strip().substring(1);

        assertThat(parse(state)).hasSize(4);
    }

    @Test
    void anAnswerWithoutFrameworksOrWithABrokenTaskIsAProtocolError() {
        assertThatThrownBy(() -> parse("{\"slaves\": []}")).isInstanceOf(MesosException.class).hasMessageContaining("no frameworks array");
        assertThatThrownBy(() -> parse("{\"frameworks\": [{\"id\": \"f\", \"tasks\": [{\"id\": \"t\"}]}]}"))
                .isInstanceOf(MesosException.class).hasMessageContaining("slave_id");
        assertThatThrownBy(() -> parse("[]")).isInstanceOf(MesosException.class).hasMessageContaining("not a JSON object");
    }
}
