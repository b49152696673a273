package dev.calicodcos.reconcilers.host;

import java.util.Map;

/**
 * A container as Docker reports it.
 *
 * @param image      the reference it was created from, as given
 * @param imageId    the content id of the image it runs ({@code sha256:…}): what a rollback recreates it from
 * @param running    running and not in a restart loop (Docker reports a crash-looping container as restarting)
 * @param definition how it was created, as Docker holds it, with {@code imageId} as its image: enough to create it again
 */
public record ContainerState(String id, String image, String imageId, Map<String, String> labels, boolean running,
                             ContainerSpec definition) {
    public ContainerState {
        labels = Map.copyOf(labels);
    }
}
