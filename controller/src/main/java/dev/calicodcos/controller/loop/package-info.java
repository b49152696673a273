/**
 * The level-triggered loop. {@code ReconcileLoop} runs one {@code ReconcilePass} at a time on one thread:
 * {@code trigger()} collapses however many triggers arrive while a pass is queued into one pass, a failure backs
 * off exponentially, and a periodic resync is the safety net. {@code ClusterReconciler} is the pass: take the
 * cluster from the view (no etcd read), plan, write what changed in transactions fenced by leadership, and return a
 * {@code PassResult} the loop hands to whoever follows the plans. See controller/DESIGN.md.
 *
 * <p>Depends on {@code plan}, {@code store}, {@code election}, {@code agents}, the model, {@code reconcilers.log},
 * resilience4j's backoff and micrometer.
 */
package dev.calicodcos.controller.loop;
