package dev.calicodcos.controller.loop;

import dev.calicodcos.kvstore.KvStore;

/** One reconcile pass under a leadership fence: what {@link ReconcileLoop} runs ({@link ClusterReconciler} in production). */
@FunctionalInterface
public interface ReconcilePass {
    PassResult reconcile(KvStore.Fence fence) throws InterruptedException;
}
