package dev.calicodcos.controller.dcos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * The short-lived JWT a service account signs to log in: RS256, claims {@code uid} and {@code exp}
 * (Unix seconds as a JSON number). The IAM refuses login tokens that live longer than ten minutes.
 */
final class ServiceLoginToken {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] HEADER = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8);

    private ServiceLoginToken() {}

    static String sign(ServiceAccount account, Instant expiresAt, ObjectMapper json) throws DcosAuthException {
        ObjectNode claims = json.createObjectNode().put("uid", account.uid()).put("exp", expiresAt.getEpochSecond());
        try {
            String signingInput = BASE64URL.encodeToString(HEADER) + "." + BASE64URL.encodeToString(json.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(account.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DcosAuthException(DcosAuthException.Reason.BAD_CREDENTIALS,
                    "cannot sign the login token of uid " + account.uid() + ": " + e.getClass().getSimpleName());
        }
    }
}
