package dev.calicodcos.e2e.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The facts a figure depends on: where and with what it was measured. */
record Machine(int cores, String memory, String os, String java, String etcd, String commit, Instant date) {

    static Machine here(String etcdEndpoint, Path projectDir) {
        return new Machine(Runtime.getRuntime().availableProcessors(), totalMemory(), System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                etcdVersion(etcdEndpoint), commit(projectDir), Instant.now());
    }

    private static String totalMemory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GiB").findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String etcdVersion(String endpoint) {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/version"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher version = Pattern.compile("\"etcdserver\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
            return version.find() ? version.group(1) : body.strip();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** The commit measured, with "+changes" when the work tree differs from it. */
    private static String commit(Path projectDir) {
        try {
            String head = git(projectDir, "rev-parse", "--short", "HEAD");
            String changes = git(projectDir, "status", "--porcelain", "--untracked-files=no");
            return head + (changes.isEmpty() ? "" : " +changes");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + ": " + out);
        }
        return out;
    }
}
