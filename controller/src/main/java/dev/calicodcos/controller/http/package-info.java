/**
 * {@code ControllerHttpServer}, on the JDK's HTTP server: {@code /healthz}, {@code /readyz}, {@code /metrics}
 * (Prometheus), {@code /api/v1/status}, {@code /api/v1/agents}, {@code /api/v1/timeline}, the status page at
 * {@code /} ({@code StatusPage}: one self-contained file, nothing from a CDN, with the {@code RolloutTimeline}),
 * and the node agents' artifacts under {@code /artifacts/}. It serves what the loop computed and writes nothing.
 *
 * <p>Depends on the model's status, {@code artifacts}, Jackson and micrometer.
 */
package dev.calicodcos.controller.http;
