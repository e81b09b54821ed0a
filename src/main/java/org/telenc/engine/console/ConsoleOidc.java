package org.telenc.engine.console;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.telenc.engine.audit.AuditLog;

/**
 * OpenID Connect login to the console (docs/operating.md "Console"): one client registration,
 * {@value #REGISTRATION}, discovered from {@code engine.console.oidc.issuer-uri} on the first
 * login (so the engine starts while the identity provider is away), and the console role from a
 * claim of the ID token or the user-info answer ({@code engine.console.oidc.role-claim}, a string
 * or a list of strings) mapped through {@link ConsoleRoles#named}: the highest role named wins, and
 * a user whose claim names none is refused and audited. Tokens are never logged or audited.
 */
final class ConsoleOidc {

    /** The registration id: the last segment of the redirect URI {@code /console/login/oauth2/code/oidc}. */
    static final String REGISTRATION = "oidc";
    static final String AUTHORIZATION_BASE = "/console/oauth2/authorization";
    static final String REDIRECT_BASE = "/console/login/oauth2/code/*";
    /** The redirect URI when none is set: host and scheme of the request (right when forwarded headers reach the engine). */
    static final String DEFAULT_REDIRECT_URI = "{baseUrl}/console/login/oauth2/code/{registrationId}";
    /** The error code of a login whose claim names no console role (audited where it is refused). */
    static final String NO_ROLE = "console_role_missing";

    private ConsoleOidc() {
    }

    /** The registration, discovered on first use and kept; a failed discovery is tried again at the next login. */
    static final class Registrations implements ClientRegistrationRepository {
        private final String issuer;
        private final String clientId;
        private final String clientSecret;
        private final String redirectUri;
        private volatile ClientRegistration registration;

        Registrations(String issuer, String clientId, String clientSecret, String redirectUri) {
            this.issuer = issuer;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.redirectUri = redirectUri;
        }

        @Override
        public ClientRegistration findByRegistrationId(String registrationId) {
            if (!REGISTRATION.equals(registrationId)) {
                return null;
            }
            ClientRegistration known = registration;
            if (known == null) {
                synchronized (this) {
                    if (registration == null) {
                        registration = ClientRegistrations.fromIssuerLocation(issuer).registrationId(REGISTRATION)
                                .clientId(clientId).clientSecret(clientSecret).scope("openid", "profile")
                                .redirectUri(redirectUri).clientName("single sign-on").build();
                    }
                    known = registration;
                }
            }
            return known;
        }
    }

    /** Loads the OIDC user as Spring Security does, then gives it the console role of its claim, or refuses it. */
    static OAuth2UserService<OidcUserRequest, OidcUser> users(String roleClaim, AuditLog audit) {
        OidcUserService standard = new OidcUserService();
        return request -> {
            OidcUser user = standard.loadUser(request);
            String name = name(user);
            Optional<ConsoleRoles> role = role(user.getClaims().get(roleClaim));
            if (role.isEmpty()) {
                audit.console(name, "console-login-oidc", null, "refused: no console role in claim " + roleClaim, null);
                throw new OAuth2AuthenticationException(new OAuth2Error(NO_ROLE, "no console role", null));
            }
            String nameKey = user.getClaims().containsKey("preferred_username") ? "preferred_username" : "sub";
            return new DefaultOidcUser(role.get().authorities(), user.getIdToken(), user.getUserInfo(), nameKey);
        };
    }

    /** The name pages and the audit show: preferred_username, else the subject. */
    static String name(OidcUser user) {
        Object preferred = user.getClaims().get("preferred_username");
        return preferred instanceof String s && !s.isBlank() ? s : user.getSubject();
    }

    /** The highest console role a claim's value (a string, or a list of strings) names. */
    static Optional<ConsoleRoles> role(Object claim) {
        Collection<?> values = claim instanceof Collection<?> c ? c : claim == null ? List.of() : List.of(claim);
        return values.stream().map(v -> ConsoleRoles.named(String.valueOf(v))).flatMap(Optional::stream)
                .max(Enum::compareTo);
    }
}
