package dev.calicodcos.controller.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = CalicoDcos.class.getPackage().getImplementationVersion();
        return new String[] {"calico-dcos " + (version == null ? "development build" : version)};
    }
}
