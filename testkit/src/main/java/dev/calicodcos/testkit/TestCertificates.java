package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA with a server certificate for 127.0.0.1/localhost and a client certificate,
 * made with the openssl command line. Keys are PKCS#8 PEM, as gRPC's Netty wants them.
 */
public record TestCertificates(Path dir, Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

    public static TestCertificates generate(Path dir) {
        TestCertificates c = new TestCertificates(dir, dir.resolve("ca.pem"), dir.resolve("server.pem"),
                dir.resolve("server-key.pem"), dir.resolve("client.pem"), dir.resolve("client-key.pem"));
        Path caKey = dir.resolve("ca-key.pem");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", c.caCert.toString(),
                "-days", "2", "-subj", "/CN=calico-dcos test CA");
        issue(dir, caKey, c.caCert, c.serverKey, c.serverCert, "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth");
        issue(dir, caKey, c.caCert, c.clientKey, c.clientCert, "/CN=calico-dcos", "extendedKeyUsage=clientAuth");
        return c;
    }

    /** A client certificate and key, PKCS#8. */
    public record ClientIdentity(Path cert, Path key) {}

    /**
     * Another client of the same CA, named {@code commonName}: with {@code --client-cert-auth} and
     * auth on, etcd takes the common name as the user (an identity of its own, with its own role).
     */
    public ClientIdentity client(String commonName) {
        ClientIdentity id = new ClientIdentity(dir.resolve(commonName + ".pem"), dir.resolve(commonName + "-key.pem"));
        issue(dir, dir.resolve("ca-key.pem"), caCert, id.key(), id.cert(), "/CN=" + commonName, "extendedKeyUsage=clientAuth");
        return id;
    }

    private static void issue(Path dir, Path caKey, Path caCert, Path key, Path cert, String subject, String extensions) {
        Path csr = dir.resolve(cert.getFileName() + ".csr");
        Path ext = dir.resolve(cert.getFileName() + ".ext");
        try {
            Files.writeString(ext, extensions + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", subject);
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Executables.find("openssl").orElseThrow(() -> new IllegalStateException("openssl is not installed")).toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
