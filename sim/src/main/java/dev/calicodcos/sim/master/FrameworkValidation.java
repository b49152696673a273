package dev.calicodcos.sim.master;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/** FrameworkInfo checks that refuse a subscription with an ERROR event (reference 7.3.5). Pure. */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class FrameworkValidation {
    private FrameworkValidation() {}

    static Optional<String> validate(FrameworkInfo info, List<String> suppressedRoles) {
        boolean multiRole = info.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
        if (!multiRole && info.getRolesCount() > 0) {
            return Optional.of("'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable");
        }
        if (multiRole && info.hasRole()) {
            return Optional.of("'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
        }
        List<String> roles = multiRole ? info.getRolesList() : List.of(info.getRole());
        Set<String> unique = new HashSet<>(roles);
        if (unique.size() != roles.size()) {
            return Optional.of("'FrameworkInfo.roles' contains duplicate items");
        }
        for (String role : roles) {
            Optional<String> bad = validateRole(role);
            if (bad.isPresent()) {
                return bad;
            }
        }
        for (String suppressed : suppressedRoles) {
            if (!unique.contains(suppressed)) {
                return Optional.of("Suppressed role '" + suppressed + "' is not contained in the list of roles");
            }
        }
        return Optional.empty();
    }

    static Optional<String> validateRole(String role) {
        if (role.isEmpty() || role.equals(".") || role.equals("..") || role.startsWith("-") || role.startsWith("/")
                || role.endsWith("/") || role.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\\' || Character.isISOControl(c))) {
            return Optional.of("Role '" + role + "' is invalid");
        }
        return Optional.empty();
    }
}
