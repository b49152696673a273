package dev.calicodcos.sim.docker;

/**
 * What a container of an image does once started, as far as the host can observe it (nothing runs in
 * the simulator: see {@link ContainerEndpoints} for what a running container serves on the host).
 */
public enum ImageBehaviour {
    /** Runs and serves nothing the host looks at (busybox and any image that is not Calico's). */
    PLAIN,
    /** calico/node that comes up: Felix's health port answers ready and live, BIRD's control socket greets. */
    NODE_READY,
    /** calico/node that runs but never gets ready: Felix answers live but not ready; BIRD never starts. */
    NODE_NEVER_READY,
    /** Exits with status 1 right after every start; with a restart policy Docker keeps restarting it. */
    CRASH_LOOP,
    /** calico/libnetwork-plugin: answers {@code Plugin.Activate} on Docker's plugin sockets. */
    LIBNETWORK_PLUGIN;

    /** The behaviour of an image the registry does not know but an agent has pre-loaded: by its repository. */
    static ImageBehaviour byRepository(String reference) {
        return CalicoContainerContract.kind(reference).map(k -> switch (k) {
            case NODE -> NODE_READY;
            case LIBNETWORK -> LIBNETWORK_PLUGIN;
        }).orElse(PLAIN);
    }
}
