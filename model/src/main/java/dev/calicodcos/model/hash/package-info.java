/**
 * {@code StepHashes}: per step, the SHA-256 of the canonical JSON of exactly the spec inputs that step reads, so a
 * spec change re-runs only the steps whose inputs changed; plans carry these hashes and {@code calico-dcos diff}
 * names the steps whose hash changes.
 *
 * <p>Depends on {@code spec} and {@code codec}.
 */
package dev.calicodcos.model.hash;
