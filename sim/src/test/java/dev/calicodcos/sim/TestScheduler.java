package dev.calicodcos.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** A deliberately plain v1 scheduler over java.net.http, with a RecordIO reader, for tests. */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class TestScheduler implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final URI master;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final Optional<String> token;
    volatile String streamId;
    volatile Protos.FrameworkID frameworkId;
    volatile boolean ended;
    private volatile InputStream body;
    private Thread reader;
    int subscribeStatus;

    TestScheduler(URI master, Optional<String> token) {
        this.master = master;
        this.token = token;
    }

    TestScheduler(URI master) {
        this(master, Optional.empty());
    }

    static Protos.FrameworkInfo.Builder multiRole(String... roles) {
        return Protos.FrameworkInfo.newBuilder().setUser("root").setName("calico-dcos-test")
                .addAllRoles(List.of(roles)).setFailoverTimeout(3600).setCheckpoint(true)
                .addCapabilities(cap(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE))
                .addCapabilities(cap(Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE))
                .addCapabilities(cap(Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE));
    }

    static Protos.FrameworkInfo.Capability cap(Protos.FrameworkInfo.Capability.Type type) {
        return Protos.FrameworkInfo.Capability.newBuilder().setType(type).build();
    }

    TestScheduler subscribe(Protos.FrameworkInfo info) throws IOException, InterruptedException {
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        if (info.hasId()) {
            call.setFrameworkId(info.getId());
        }
        HttpResponse<InputStream> response = HTTP.send(request("/api/v1/scheduler", json(call)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        subscribeStatus = response.statusCode();
        if (subscribeStatus != 200) {
            response.body().close();
            return this;
        }
        streamId = response.headers().firstValue("Mesos-Stream-Id").orElse(null);
        body = response.body();
        ended = false;
        reader = new Thread(this::read, "test-scheduler-reader");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    private void read() {
        try (InputStream in = body) {
            while (true) {
                ByteArrayOutputStream digits = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) != '\n') {
                    if (b < 0) {
                        return;
                    }
                    if (b < '0' || b > '9') {
                        throw new IOException("bad RecordIO length byte " + b);
                    }
                    digits.write(b);
                }
                int length = Integer.parseInt(digits.toString(StandardCharsets.US_ASCII));
                byte[] record = in.readNBytes(length);
                if (record.length != length) {
                    return;
                }
                Event.Builder event = Event.newBuilder();
                JsonFormat.parser().merge(new String(record, StandardCharsets.UTF_8), event);
                if (event.getType() == Event.Type.SUBSCRIBED) {
                    frameworkId = event.getSubscribed().getFrameworkId();
                }
                events.add(event.build());
            }
        } catch (IOException e) {
            // stream ended
        } finally {
            ended = true;
        }
    }

    HttpResponse<String> call(Call.Builder call) throws IOException, InterruptedException {
        if (!call.hasFrameworkId() && frameworkId != null) {
            call.setFrameworkId(frameworkId);
        }
        HttpRequest.Builder req = request("/api/v1/scheduler", json(call));
        if (streamId != null) {
            req.header("Mesos-Stream-Id", streamId);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> acknowledge(Protos.TaskStatus status) throws IOException, InterruptedException {
        return call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())));
    }

    List<Event> events(Event.Type type) {
        return events.stream().filter(e -> e.getType() == type).toList();
    }

    List<Protos.TaskStatus> updates(String taskId) {
        return events(Event.Type.UPDATE).stream().map(e -> e.getUpdate().getStatus())
                .filter(s -> s.getTaskId().getValue().equals(taskId)).toList();
    }

    List<Protos.Offer> offers(Predicate<Protos.Offer> which) {
        return events(Event.Type.OFFERS).stream().flatMap(e -> e.getOffers().getOffersList().stream()).filter(which).toList();
    }

    HttpRequest.Builder request(String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create(master.toString().replaceAll("/$", "") + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
        token.ifPresent(t -> b.header("Authorization", "token=" + t));
        return b;
    }

    static String json(com.google.protobuf.MessageOrBuilder message) {
        try {
            return JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(message);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Override
    public void close() throws IOException {
        InputStream in = body;
        if (in != null) {
            in.close();
        }
        if (reader != null) {
            reader.interrupt();
        }
    }
}
