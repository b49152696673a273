package dev.calicodcos.controller.dcos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/** A DC/OS authentication token and when it expires. {@link #toString} never shows the token. */
public record AuthToken(String value, Optional<Instant> expiresAt) {
    public AuthToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Reads {@code exp} from the unverified payload of a JWT; we only need it to know when to refresh. */
    static AuthToken fromJwt(String jwt, ObjectMapper json) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return new AuthToken(jwt, Optional.empty());
        }
        try {
            JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode exp = claims == null ? null : claims.get("exp");
            return new AuthToken(jwt, exp != null && exp.canConvertToLong()
                    ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            return new AuthToken(jwt, Optional.empty());
        }
    }

    public String authorizationHeader() {
        return "token=" + value;
    }

    @Override
    public String toString() {
        return "AuthToken[value=<redacted>, expiresAt=" + expiresAt.map(Instant::toString).orElse("unknown") + "]";
    }
}
