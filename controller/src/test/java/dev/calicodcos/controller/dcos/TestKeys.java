package dev.calicodcos.controller.dcos;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/** RSA key pairs for tests, and their PEM encodings. */
final class TestKeys {
    private TestKeys() {}

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pkcs8Pem(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    static String pkcs1Pem(KeyPair pair) {
        return pem("RSA PRIVATE KEY", pkcs1Of(pair.getPrivate().getEncoded()));
    }

    /** The body of a PEM file, which must never show up in logs. */
    static String pemBody(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** PKCS#8 PrivateKeyInfo → the PKCS#1 RSAPrivateKey inside its OCTET STRING (last element of the SEQUENCE). */
    private static byte[] pkcs1Of(byte[] pkcs8) {
        int[] pos = {0};
        readHeader(pkcs8, pos);                 // outer SEQUENCE
        skipElement(pkcs8, pos);                // version
        skipElement(pkcs8, pos);                // algorithm
        int length = readHeader(pkcs8, pos);    // OCTET STRING
        return Arrays.copyOfRange(pkcs8, pos[0], pos[0] + length);
    }

    private static int readHeader(byte[] der, int[] pos) {
        pos[0]++;   // tag
        int first = der[pos[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[pos[0]++] & 0xff);
        }
        return length;
    }

    private static void skipElement(byte[] der, int[] pos) {
        int length = readHeader(der, pos);
        pos[0] += length;
    }
}
