package dev.calicodcos.sim.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The DC/OS IAM as far as a service account needs it (reference section 3): login with an RS256
 * service login token, and verification of the authentication tokens it hands out.
 */
public final class IamService {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MAX_LOGIN_TOKEN_SECONDS = 600;

    private final Map<String, PublicKey> serviceAccounts;
    private final Duration tokenLifetime;
    private final Clock clock;
    private final KeyPair signingKey;

    public IamService(Map<String, PublicKey> serviceAccounts, Duration tokenLifetime, Clock clock) {
        this.serviceAccounts = Map.copyOf(serviceAccounts);
        this.tokenLifetime = tokenLifetime;
        this.clock = clock;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.signingKey = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA", e);
        }
    }

    /** Body of {@code POST /acs/api/v1/auth/login}; the JSON answer, or empty for 401. */
    public Optional<String> login(String body) {
        JsonNode request;
        try {
            request = MAPPER.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (request == null || !request.path("uid").isTextual() || !request.path("token").isTextual()) {
            return Optional.empty();
        }
        String uid = request.get("uid").asText();
        PublicKey key = serviceAccounts.get(uid);
        if (key == null) {
            return Optional.empty();
        }
        Optional<Jwt.Verified> verified = Jwt.verify(request.get("token").asText(), key);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        JsonNode claims = verified.get().claims();
        long now = clock.instant().getEpochSecond();
        if (!uid.equals(claims.path("uid").asText(null)) || !claims.path("exp").isNumber()) {
            return Optional.empty();
        }
        long exp = claims.get("exp").asLong();
        if (exp <= now || exp > now + MAX_LOGIN_TOKEN_SECONDS) {
            return Optional.empty();
        }
        ObjectNode tokenClaims = Jwt.claims().put("uid", uid).put("exp", now + tokenLifetime.toSeconds());
        return Optional.of(MAPPER.createObjectNode().put("token", Jwt.sign(tokenClaims, signingKey.getPrivate())).toString());
    }

    /** Accepts {@code token=<jwt>} and {@code Bearer <jwt>}, as Admin Router does. */
    public boolean authorized(String authorizationHeader) {
        if (authorizationHeader == null) {
            return false;
        }
        String token;
        if (authorizationHeader.startsWith("token=")) {
            token = authorizationHeader.substring("token=".length());
        } else if (authorizationHeader.startsWith("Bearer ")) {
            token = authorizationHeader.substring("Bearer ".length());
        } else {
            return false;
        }
        return Jwt.verify(token.trim(), signingKey.getPublic())
                .filter(v -> v.claims().path("exp").asLong(0) > clock.instant().getEpochSecond())
                .isPresent();
    }

    /** {@code GET /acs/api/v1/auth/jwks}. */
    public String jwks() {
        RSAPublicKey key = (RSAPublicKey) signingKey.getPublic();
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        ObjectNode root = MAPPER.createObjectNode();
        root.putArray("keys").addObject().put("kty", "RSA").put("alg", "RS256").put("use", "sig").put("kid", "sim-iam")
                .put("n", enc.encodeToString(unsigned(key.getModulus().toByteArray())))
                .put("e", enc.encodeToString(unsigned(key.getPublicExponent().toByteArray())));
        return root.toString();
    }

    private static byte[] unsigned(byte[] twosComplement) {
        return twosComplement.length > 1 && twosComplement[0] == 0
                ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
    }
}
