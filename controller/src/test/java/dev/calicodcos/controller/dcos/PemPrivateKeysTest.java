package dev.calicodcos.controller.dcos;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemPrivateKeysTest {
    private static final KeyPair PAIR = TestKeys.rsa();

    @Test
    void readsAPkcs8Key() {
        assertThat(PemPrivateKeys.parse(TestKeys.pkcs8Pem(PAIR)).getEncoded()).isEqualTo(PAIR.getPrivate().getEncoded());
    }

    @Test
    void readsAPkcs1KeyAsTheSameKey() {
        assertThat(PemPrivateKeys.parse(TestKeys.pkcs1Pem(PAIR)).getEncoded()).isEqualTo(PAIR.getPrivate().getEncoded());
    }

    @Test
    void readsAKeyFileWithSurroundingText(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sa.pem");
        Files.writeString(file, "comment line\n" + TestKeys.pkcs8Pem(PAIR) + "\n");

        ServiceAccount account = ServiceAccount.fromPemFile("calico-dcos", file);

        assertThat(account.uid()).isEqualTo("calico-dcos");
        assertThat(account.toString()).doesNotContain(TestKeys.pemBody(TestKeys.pkcs8Pem(PAIR)).substring(0, 40));
    }

    @Test
    void readsTheDcosCredentialDocument() {
        String credential = new ObjectMapper().createObjectNode().put("scheme", "RS256").put("uid", "calico-dcos")
                .put("private_key", TestKeys.pkcs8Pem(PAIR)).toString();

        ServiceAccount account = ServiceAccount.fromCredentialJson(credential.getBytes(), new ObjectMapper());

        assertThat(account.uid()).isEqualTo("calico-dcos");
    }

    @Test
    void rejectsBrokenKeysWithoutQuotingThem() {
        String pem = TestKeys.pkcs8Pem(PAIR);
        List<String> lines = pem.lines().toList();
        String broken = String.join("\n", lines.subList(0, lines.size() / 2)) + "\n-----END PRIVATE KEY-----\n";

        assertThatThrownBy(() -> PemPrivateKeys.parse(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TestKeys.pemBody(broken).substring(0, 20)));
        assertThatThrownBy(() -> PemPrivateKeys.parse("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("MIIB");
    }

    @Test
    void rejectsMismatchedPemLines() {
        String mixed = TestKeys.pkcs8Pem(PAIR).replace("END PRIVATE KEY", "END RSA PRIVATE KEY");

        assertThatThrownBy(() -> PemPrivateKeys.parse(mixed)).isInstanceOf(IllegalArgumentException.class);
    }
}
