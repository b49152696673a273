/**
 * {@code ControllerHttpServer}, on the JDK's HTTP server: {@code /healthz}, {@code /readyz}, {@code /metrics}
 * (Prometheus), {@code /api/v1/status} (the summary, bounded: {@code StatusSummary}), {@code /api/v1/agents} (the rows,
 * listed like Kubernetes lists: {@code AgentQuery} with an {@code AgentFilter}, in {@code AgentOrder}, a page at a
 * time behind a {@code ContinueToken}), {@code /api/v1/timeline}, the status page at {@code /} ({@code StatusPage}:
 * one self-contained file, nothing from a CDN, with the {@code RolloutTimeline}), and the node agents' artifacts under
 * {@code /artifacts/}. It serves what the loop computed and writes nothing; the filtering, ordering and paging are pure
 * and the CLI's {@code status} uses them too.
 *
 * <p>Depends on the model's status, {@code artifacts}, Jackson and micrometer.
 */
package dev.calicodcos.controller.http;
