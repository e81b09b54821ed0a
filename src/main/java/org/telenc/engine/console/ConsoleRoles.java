package org.telenc.engine.console;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The console's three roles, each including the ones below it: {@code viewer} sees metadata
 * (ids, statuses, counts, times), {@code operator} also resends deliveries, re-drives dead letters
 * and triggers syncs, {@code admin} also manages webhook endpoints and secrets. A user's role
 * becomes Spring Security authorities here, whatever the login (a provisioned user, a demo user,
 * or an identity provider's claim).
 */
public enum ConsoleRoles {
    VIEWER, OPERATOR, ADMIN;

    /** The role of a name as a file or an identity provider writes it ({@code viewer}, {@code operator}, {@code admin}). */
    public static Optional<ConsoleRoles> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (ConsoleRoles role : values()) {
            if (role.name().equalsIgnoreCase(name.strip())) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** ROLE_VIEWER for a viewer; ROLE_VIEWER and ROLE_OPERATOR for an operator; all three for an admin. */
    public List<GrantedAuthority> authorities() {
        return java.util.Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal())
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList();
    }

    /** The name the pages and the audit log show. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
