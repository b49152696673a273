package dev.calicodcos.controller.http;

import dev.calicodcos.model.status.AgentPhase;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code continue} token of {@code /api/v1/agents}: where the last page stopped (that agent's
 * phase and id) and a fingerprint of the filter it was issued for. The position, not an offset, so
 * that an agent joining or leaving the list between two pages shifts nothing else. Opaque to
 * clients; base64url so it needs no escaping in a URL. Pure.
 */
final class ContinueToken {
    private static final String VERSION = "1";

    private ContinueToken() {}

    static String encode(AgentFilter filter, AgentOrder.Position after) {
        String plain = String.join("\n", VERSION, fingerprint(filter), after.phase().name(), after.agentId());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a token holds; throws when it is not one of ours or belongs to another filter. */
    static AgentOrder.Position decode(String token, AgentFilter filter) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 4);
        } catch (IllegalArgumentException e) {
            throw notOurs();
        }
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            throw notOurs();
        }
        if (!parts[1].equals(fingerprint(filter))) {
            throw new IllegalArgumentException("the token was issued for another filter: pass the same phase, step and q on every page");
        }
        try {
            return new AgentOrder.Position(AgentPhase.valueOf(parts[2]), parts[3]);
        } catch (IllegalArgumentException e) {
            throw notOurs();
        }
    }

    private static String fingerprint(AgentFilter filter) {
        return Integer.toHexString(filter.canonical().hashCode()); // String.hashCode is specified, so stable across replicas
    }

    private static IllegalArgumentException notOurs() {
        return new IllegalArgumentException("not a token from a previous page of this list");
    }
}
