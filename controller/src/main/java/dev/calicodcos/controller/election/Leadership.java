package dev.calicodcos.controller.election;

import dev.calicodcos.kvstore.KvStore;
import java.util.Optional;

/** Whether this replica leads right now, and the fence its writes must carry while it does. */
public interface Leadership {
    Optional<KvStore.Fence> fence();

    /** Called by a writer whose fenced write failed: someone else leads; step down at once. */
    void lost(KvStore.Fence fence);
}
