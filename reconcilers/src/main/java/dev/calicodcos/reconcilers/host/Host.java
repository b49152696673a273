package dev.calicodcos.reconcilers.host;

/** Everything a step may do to an agent, one narrow port per kind of side effect. */
public record Host(HostFiles files, Services services, DockerEngine docker, HostCommands commands,
                   Downloader downloads, HostNetwork network) {}
