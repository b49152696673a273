/**
 * The shared vocabulary of calico-dcos: what users declare, what the leader plans and reports, and what node
 * agents report, as records, with the one way to read a spec. {@link dev.calicodcos.model.ClusterKeys} derives
 * every etcd key of a cluster.
 *
 * <p>{@code spec}: the {@code CalicoCluster} records. {@code validation}: bytes to a defaulted, valid spec
 * ({@code SpecReader}). {@code codec}: defensive YAML/JSON reading, deterministic writing. {@code hash}: each
 * step's hash of its spec inputs. {@code diff}: field-level differences. {@code agent}: plans and reports
 * exchanged with node agents. {@code status}: the cluster status.
 *
 * <p>May depend on the JDK, Jackson (with SnakeYAML under its YAML reader) and networknt's JSON Schema validator
 * only: no other module of ours and no client library (etcd, HTTP, Docker, the command line), so that every
 * process, version and test can read these types. Checked by {@code LayeringTest} (src/test).
 */
package dev.calicodcos.model;
