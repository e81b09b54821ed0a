package org.telenc.engine.emr.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.EmrException;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;

/**
 * The {@code Authorization} header for calls to an EMR connection, per its {@link EmrAuthSettings}.
 *
 * <p>{@code smart-backend} (SMART Backend Services) obtains an access token with the OAuth2
 * client-credentials grant and a signed JWT client assertion, and caches it per connection:
 * <ul>
 * <li><b>Refresh rule.</b> A token is reused until {@code max(60 s, 10 % of its lifetime)} before it
 * expires, that margin capped at half the lifetime (so a 60-second token is still reused for 30 s).
 * Then the next caller fetches a new one while the others keep using the old, still valid, token.
 * If that early refresh fails, the old token is used until it expires and the refresh is retried
 * at most every {@value #FAILED_REFRESH_PAUSE_SECONDS} s.</li>
 * <li><b>One request at a time.</b> Callers of one connection that need a token while none is valid
 * all wait for a single token request and share its outcome, success or failure.</li>
 * <li>A missing {@code expires_in} counts as {@value #DEFAULT_EXPIRES_IN_SECONDS} s.</li>
 * <li>Changed settings for a connection (say a rotated key) drop its cached token.</li>
 * <li>{@link #invalidate(String)} drops the cached token: for when the EMR answers 401 to it.</li>
 * </ul>
 * Token endpoint failures: 400, 401, 403 (and any other status that is neither 2xx nor retryable)
 * are {@link EmrPermanentException} {@code login_required}; I/O errors, timeouts, 408, 429 and 5xx,
 * and an unusable 2xx answer, are {@link EmrRetryableException}. Messages and logs carry connection
 * ids, HTTP statuses and OAuth {@code error} codes only: never a token, secret, key or assertion.
 */
@Component("emrAuthorizations")
public class EmrAuthorizations {

    static final String CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** SMART Backend Services: the assertion's exp is no more than five minutes in the future. */
    static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(5);
    static final Duration MIN_REFRESH_MARGIN = Duration.ofSeconds(60);
    static final int REFRESH_PERCENT = 10;
    static final long FAILED_REFRESH_PAUSE_SECONDS = 5;
    static final long DEFAULT_EXPIRES_IN_SECONDS = 300;

    private static final Logger log = LoggerFactory.getLogger(EmrAuthorizations.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Duration timeout;
    private final HttpClient http;
    private final EmrTls tls;
    private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<>();

    @Autowired
    public EmrAuthorizations(Clock clock, EngineProperties properties, EmrTls tls) {
        this(clock, Duration.ofMillis(properties.emr().timeoutMs()), tls);
    }

    /** {@code timeout} bounds both connecting to the token endpoint and waiting for its answer. */
    public EmrAuthorizations(Clock clock, Duration timeout) {
        this(clock, timeout, new EmrTls());
    }

    /** As above; {@code tls} gives a connection with TLS settings its own HTTP client for the token request. */
    public EmrAuthorizations(Clock clock, Duration timeout, EmrTls tls) {
        this.clock = clock;
        this.timeout = timeout;
        this.tls = tls;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * The {@code Authorization} header value for a call to this connection now; empty for
     * {@code none}. May request a token ({@code smart-backend}), hence the EMR exceptions.
     *
     * @throws EmrPermanentException {@code login_required}: the token endpoint refused the client
     * @throws EmrRetryableException the token endpoint could not be reached or answer now
     */
    public Optional<String> authorizationHeader(String connectionId, EmrAuthSettings settings) {
        return authorizationHeader(connectionId, settings, EmrTlsSettings.none());
    }

    /**
     * As {@link #authorizationHeader(String, EmrAuthSettings)}, for a connection with TLS settings:
     * the {@code smart-backend} token request goes out with the connection's client certificate and
     * trust ({@link EmrTls}).
     */
    public Optional<String> authorizationHeader(String connectionId, EmrAuthSettings settings, EmrTlsSettings tlsSettings) {
        EmrAuthSettings auth = settings == null ? EmrAuthSettings.none() : settings;
        EmrTlsSettings connectionTls = tlsSettings == null ? EmrTlsSettings.none() : tlsSettings;
        return switch (auth.type()) {
            case NONE -> Optional.empty();
            case BEARER -> Optional.of("Bearer " + auth.token());
            case BASIC -> Optional.of("Basic " + Base64.getEncoder()
                    .encodeToString((auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8)));
            case SMART_BACKEND -> Optional.of("Bearer " + accessToken(connectionId, auth, connectionTls));
            // an API key goes in a header of its own (EmrCallAuthorization), not in Authorization
            case API_KEY -> Optional.empty();
        };
    }

    /** Forgets the connection's cached access token: the next call requests a new one. */
    public void invalidate(String connectionId) {
        Slot slot = slots.get(connectionId);
        if (slot != null) {
            synchronized (slot) {
                slot.token = null;
                slot.pauseUntil = null;
            }
            log.debug("EMR access token for connection {} invalidated", connectionId);
        }
    }

    /** When a token obtained at {@code obtained}, valid for {@code lifetime}, should be replaced. */
    static Instant refreshAt(Instant obtained, Duration lifetime) {
        Duration margin = lifetime.multipliedBy(REFRESH_PERCENT).dividedBy(100);
        if (margin.compareTo(MIN_REFRESH_MARGIN) < 0) {
            margin = MIN_REFRESH_MARGIN;
        }
        Duration half = lifetime.dividedBy(2);
        if (margin.compareTo(half) > 0) {
            margin = half;
        }
        return obtained.plus(lifetime).minus(margin);
    }

    private String accessToken(String connectionId, EmrAuthSettings settings, EmrTlsSettings connectionTls) {
        Objects.requireNonNull(connectionId, "connectionId");
        Slot slot = slots.computeIfAbsent(connectionId, id -> new Slot());
        Instant now = clock.instant();
        CompletableFuture<Token> flight;
        Token current;
        long generation;
        boolean mine;
        synchronized (slot) {
            if (!settings.equals(slot.settings) || !connectionTls.equals(slot.tls)) {
                // new or changed settings: whatever was cached or is being fetched belongs to the old ones
                slot.settings = settings;
                slot.tls = connectionTls;
                slot.token = null;
                slot.pauseUntil = null;
                slot.flight = null;
                slot.generation++;
            }
            current = slot.token;
            if (current != null && now.isBefore(current.refreshAt())) {
                return current.value();
            }
            boolean usable = current != null && now.isBefore(current.expiresAt());
            if (usable && (slot.flight != null || (slot.pauseUntil != null && now.isBefore(slot.pauseUntil)))) {
                return current.value(); // being refreshed, or a refresh just failed: the token still works
            }
            if (!usable) {
                current = null;
            }
            mine = slot.flight == null;
            if (mine) {
                slot.flight = new CompletableFuture<>();
            }
            flight = slot.flight;
            generation = slot.generation;
        }
        if (!mine) {
            return await(flight).value();
        }
        Token fresh = null;
        RuntimeException failure = null;
        try {
            fresh = requestToken(connectionId, settings, connectionTls);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            synchronized (slot) {
                if (slot.flight == flight) {
                    slot.flight = null;
                }
                if (slot.generation == generation) {
                    if (fresh != null) {
                        slot.token = fresh;
                        slot.pauseUntil = null;
                    } else if (current != null) {
                        slot.pauseUntil = now.plusSeconds(FAILED_REFRESH_PAUSE_SECONDS);
                    }
                }
            }
            if (fresh != null) {
                flight.complete(fresh);
            } else {
                flight.completeExceptionally(failure != null ? failure
                        : new EmrRetryableException(0, "EMR token request for connection " + connectionId + " did not finish"));
            }
        }
        if (fresh != null) {
            return fresh.value();
        }
        if (current != null && clock.instant().isBefore(current.expiresAt())) {
            log.warn("EMR token refresh for connection {} failed ({}); using the current token until it expires",
                    connectionId, failure instanceof EmrException e ? "HTTP " + e.httpStatus() : "error");
            return current.value();
        }
        throw failure;
    }

    private static Token await(CompletableFuture<Token> flight) {
        try {
            return flight.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private Token requestToken(String connectionId, EmrAuthSettings settings, EmrTlsSettings connectionTls) {
        Instant requested = clock.instant();
        String form = "grant_type=client_credentials"
                + "&scope=" + formEncode(settings.scope())
                + "&client_assertion_type=" + formEncode(CLIENT_ASSERTION_TYPE)
                + "&client_assertion=" + formEncode(clientAssertion(connectionId, settings, requested));
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.tokenUrl()))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            HttpClient client = Optional.ofNullable(tls.httpClient(connectionId, connectionTls, timeout)).orElse(http);
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.warn("EMR token request for connection {} failed: {}", connectionId, e.getClass().getSimpleName());
            throw new EmrRetryableException(0, "EMR token request for connection " + connectionId + " failed: "
                    + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmrRetryableException(0, "EMR token request for connection " + connectionId + " was interrupted");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            Token token = token(connectionId, status, response.body(), requested);
            log.debug("EMR access token for connection {} obtained, valid until {}", connectionId, token.expiresAt());
            return token;
        }
        String error = oauthError(response.body());
        String what = "EMR token request for connection " + connectionId + " answered HTTP " + status
                + (error == null ? "" : " (" + error + ")");
        log.warn(what);
        if (status == 408 || status == 429 || status >= 500) {
            throw new EmrRetryableException(status, what);
        }
        throw new EmrPermanentException("login_required", status, what);
    }

    /** The SMART Backend Services client assertion: signed, short-lived, single-use (random jti). */
    private String clientAssertion(String connectionId, EmrAuthSettings settings, Instant now) {
        Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.parse(settings.alg()))
                .keyID(settings.keyId())
                .type(JOSEObjectType.JWT)
                .build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(settings.clientId())
                .subject(settings.clientId())
                .audience(settings.tokenUrl())
                .issueTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(ASSERTION_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer(settings));
            return jwt.serialize();
        } catch (JOSEException | RuntimeException e) {
            log.warn("EMR client assertion for connection {} could not be signed: {}", connectionId,
                    e.getClass().getSimpleName());
            throw new EmrPermanentException("login_required", 0,
                    "EMR client assertion for connection " + connectionId + " could not be signed");
        }
    }

    private static JWSSigner signer(EmrAuthSettings settings) throws JOSEException {
        PrivateKey key = PemPrivateKeys.parse(settings.privateKeyPem());
        return key instanceof ECPrivateKey ec ? new ECDSASigner(ec) : new RSASSASigner(key);
    }

    private static Token token(String connectionId, int status, String body, Instant requested) {
        String problem;
        try {
            JsonNode answer = JSON.readTree(body == null ? "" : body);
            JsonNode accessToken = answer == null ? null : answer.get("access_token");
            JsonNode tokenType = answer == null ? null : answer.get("token_type");
            JsonNode expiresIn = answer == null ? null : answer.get("expires_in");
            if (accessToken == null || !accessToken.isTextual() || accessToken.textValue().isEmpty()
                    || !accessToken.textValue().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                problem = "no usable access_token";
            } else if (tokenType != null && !tokenType.isNull() && !"bearer".equalsIgnoreCase(tokenType.asText())) {
                throw new EmrPermanentException("login_required", status, "EMR token request for connection "
                        + connectionId + " issued a token_type other than bearer");
            } else {
                long seconds = DEFAULT_EXPIRES_IN_SECONDS;
                if (expiresIn != null && !expiresIn.isNull()) {
                    seconds = expiresIn.isNumber() ? expiresIn.asLong()
                            : expiresIn.isTextual() && expiresIn.textValue().matches("[0-9]{1,9}") ? Long.parseLong(expiresIn.textValue())
                            : -1;
                }
                if (seconds > 0) {
                    Duration lifetime = Duration.ofSeconds(seconds);
                    return new Token(accessToken.textValue(), refreshAt(requested, lifetime), requested.plus(lifetime));
                }
                problem = "no usable expires_in";
            }
        } catch (IOException e) {
            problem = "an answer that is not JSON";
        }
        String what = "EMR token request for connection " + connectionId + " answered HTTP " + status + " with " + problem;
        log.warn(what);
        throw new EmrRetryableException(status, what);
    }

    /** The OAuth {@code error} code of a failure answer, when it is one (never its description). */
    private static String oauthError(String body) {
        try {
            JsonNode error = body == null || body.isBlank() ? null : JSON.readTree(body).get("error");
            if (error != null && error.isTextual() && error.textValue().matches("[A-Za-z0-9_.-]{1,64}")) {
                return error.textValue();
            }
        } catch (IOException | RuntimeException e) {
            // not a JSON error answer
        }
        return null;
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** An access token: its value, when to replace it, when it stops working. */
    private record Token(String value, Instant refreshAt, Instant expiresAt) {

        @Override
        public String toString() {
            return "Token[refreshAt=" + refreshAt + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** One connection's token state; guarded by its own monitor. */
    private static final class Slot {
        EmrAuthSettings settings;
        EmrTlsSettings tls;
        Token token;
        CompletableFuture<Token> flight;
        Instant pauseUntil;
        long generation;
    }
}
