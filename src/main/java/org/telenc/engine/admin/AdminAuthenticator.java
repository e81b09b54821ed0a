package org.telenc.engine.admin;

import org.apache.camel.Header;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.Secrets;

/**
 * The admin API's own credential: {@code Authorization: Bearer <token>}, compared in constant time
 * with {@code engine.admin.token-sha256} (hex SHA-256 of the token; what production configures) or
 * {@code engine.admin.token} (the token itself, at least 32 characters). A hash that is not 64 hex
 * characters or a shorter token stops the start-up, naming the setting (never the value). In
 * sandbox demo mode without either, the token is
 * {@value #DEMO_TOKEN}, printed at start.
 * With neither, the admin API refuses every call.
 */
@Component("adminAuthenticator")
public class AdminAuthenticator {

    private static final String UNSET = Secrets.sha256Hex("admin api disabled " + Secrets.newId());
    private final String expectedHash;
    private final boolean enabled;
    private final boolean demoToken;

    public static final String DEMO_TOKEN = "demo-admin-token";

    public AdminAuthenticator(@Value("${engine.admin.token-sha256:}") String tokenSha256,
            @Value("${engine.admin.token:}") String configuredToken,
            @Value("${engine.sandbox.enabled:true}") boolean sandbox, @Value("${engine.demo.enabled:true}") boolean demo) {
        if (!tokenSha256.isBlank() && !Secrets.isSha256Hex(tokenSha256)) {
            throw new IllegalStateException("engine.admin.token-sha256 must be the hex SHA-256 of the admin token (64 hex characters)");
        }
        if (!configuredToken.isBlank() && !Secrets.longEnough(configuredToken)) {
            throw new IllegalStateException("engine.admin.token must be at least " + Secrets.MIN_SECRET_LENGTH
                    + " characters (a random value), or set engine.admin.token-sha256");
        }
        this.demoToken = configuredToken.isBlank() && tokenSha256.isBlank() && sandbox && demo;
        String token = demoToken ? DEMO_TOKEN : configuredToken;
        String hash = !tokenSha256.isBlank() ? tokenSha256.trim().toLowerCase()
                : !token.isBlank() ? Secrets.sha256Hex(token) : null;
        this.enabled = hash != null;
        this.expectedHash = hash != null ? hash : UNSET;
    }

    /** Whether the admin API runs on the sandbox demo token (printed at start). */
    public boolean usesDemoToken() {
        return demoToken;
    }

    public void check(@Header(MessageHeaders.AUTHORIZATION) String authorization) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : "";
        boolean match = Secrets.sameDigest(Secrets.sha256Hex(presented), expectedHash);
        if (!enabled || presented.isEmpty() || !match) {
            throw new ApiException(401, "invalid_admin_credentials", "Invalid admin credentials.");
        }
    }
}
