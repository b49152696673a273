package dev.calicodcos.controller.dcos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Objects;

/** A DC/OS service account: its uid and the private half of the key pair registered in the IAM. */
public record ServiceAccount(String uid, PrivateKey privateKey) {
    public ServiceAccount {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(privateKey, "privateKey");
        if (!"RSA".equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("service account keys must be RSA (RS256), got " + privateKey.getAlgorithm());
        }
    }

    /** {@code uid} plus a PEM private key file (PKCS#8 or PKCS#1). */
    public static ServiceAccount fromPemFile(String uid, Path pemFile) {
        try {
            return new ServiceAccount(uid, PemPrivateKeys.parse(Files.readString(pemFile, StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the private key file " + pemFile, e);
        }
    }

    /**
     * The credential document DC/OS stores for a service account (secret store, or
     * {@code dcos security org service-accounts keypair}): {@code {"uid", "private_key", "scheme": "RS256"}}.
     */
    public static ServiceAccount fromCredentialJson(byte[] credential, ObjectMapper json) {
        JsonNode doc;
        try {
            doc = json.readTree(credential);
        } catch (IOException e) {
            throw new IllegalArgumentException("service account credential is not JSON");
        }
        String uid = doc == null ? null : doc.path("uid").textValue();
        String key = doc == null ? null : doc.path("private_key").textValue();
        if (uid == null || key == null) {
            throw new IllegalArgumentException("service account credential needs uid and private_key");
        }
        String scheme = doc.path("scheme").asText("RS256");
        if (!"RS256".equals(scheme)) {
            throw new IllegalArgumentException("unsupported service account login scheme " + scheme);
        }
        return new ServiceAccount(uid, PemPrivateKeys.parse(key));
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ServiceAccount[uid=" + uid + ", privateKey=<redacted>]";
    }
}
