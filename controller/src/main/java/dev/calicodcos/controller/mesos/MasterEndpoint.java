package dev.calicodcos.controller.mesos;

import okhttp3.HttpUrl;

import java.util.Objects;

/**
 * Where the master's HTTP API lives: straight on a master (port 5050) or behind DC/OS Admin Router,
 * which proxies {@code /mesos/<path>} to the leader and needs an auth token.
 */
public record MasterEndpoint(HttpUrl base, boolean viaAdminRouter) {
    public MasterEndpoint {
        Objects.requireNonNull(base, "base");
    }

    /** A master or {@code leader.mesos}, e.g. {@code http://leader.mesos:5050}. */
    public static MasterEndpoint direct(String url) {
        return new MasterEndpoint(HttpUrl.get(url), false);
    }

    /** DC/OS Admin Router, e.g. {@code https://dcos.example.com}. */
    public static MasterEndpoint adminRouter(String url) {
        return new MasterEndpoint(HttpUrl.get(url), true);
    }

    public HttpUrl slaves() {
        return path("master/slaves");
    }

    /** The frameworks with their tasks (the task part of {@code /master/state} without the agents). */
    public HttpUrl frameworks() {
        return path("master/frameworks");
    }

    /** The v0 maintenance schedule: GET reads it, POST replaces it whole. */
    public HttpUrl maintenanceSchedule() {
        return path("master/maintenance/schedule");
    }

    public HttpUrl scheduler() {
        return path("api/v1/scheduler");
    }

    private HttpUrl path(String segments) {
        return base.newBuilder().addPathSegments(viaAdminRouter ? "mesos/" + segments : segments).build();
    }
}
