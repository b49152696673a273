package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code etcdctl} (API v3) as an operator would, for the commands the guide gives; fails on a non-zero exit. */
public final class Etcdctl {
    private final List<String> connection;

    /** @param connection the options that reach etcd, e.g. {@code --endpoints URL [--cacert … --cert … --key …]} */
    public Etcdctl(List<String> connection) {
        this.connection = List.copyOf(connection);
    }

    /** The output of {@code etcdctl <connection> <args>}. */
    public String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Executables.find("etcdctl").orElseThrow(() -> new IllegalStateException(
                "etcdctl is not installed: apt-get install etcd-client")).toString());
        command.addAll(connection);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
