package dev.calicodcos.reconcilers.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What the cni step installs on one agent.
 *
 * @param restartUnit the Mesos agent unit to restart after a change, when this agent needs one
 */
public record CniDesired(String pluginsDir, String configDir, String configFile, List<Binary> binaries,
                         ObjectNode config, Optional<String> restartUnit, String hash) {

    /** A plugin executable and where it comes from; without a checksum an existing file is kept. */
    public record Binary(String name, String url, Optional<String> sha256) {}

    public CniDesired {
        binaries = List.copyOf(binaries);
    }

    public String configPath() {
        return configDir + "/" + configFile;
    }

    public String binaryPath(Binary binary) {
        return pluginsDir + "/" + binary.name();
    }
}
