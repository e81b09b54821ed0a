package org.telenc.engine.emr.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.telenc.engine.support.Json;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real SMART Backend Services token endpoint: parses the form, verifies the client assertion's
 * signature with the registered public key (by kid) and its claims (iss = sub = client id, aud =
 * this URL, exp no more than five minutes ahead, single-use jti), then issues a bearer token; or
 * fails on demand.
 */
final class TokenEndpoint implements AutoCloseable {

    static final String PATH = "/oauth2/token";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    /** Sends the answers of a slow endpoint ({@link #delayMillis}) when they are due. */
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
    private final Clock clock;
    private final String clientId;
    private final String scope;
    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger issued = new AtomicInteger();
    final Set<String> jtis = ConcurrentHashMap.newKeySet();
    final List<String> rejections = new CopyOnWriteArrayList<>();
    final List<String> assertions = new CopyOnWriteArrayList<>();
    final List<String> tokens = new CopyOnWriteArrayList<>();

    volatile long expiresIn = 300;
    /** 0: verify and issue; otherwise answer this status (with an OAuth error body for 4xx). */
    volatile int failWith = 0;
    volatile String failError = "invalid_client";
    volatile long delayMillis = 0;

    TokenEndpoint(Clock clock, String clientId, String scope) throws IOException {
        this.clock = clock;
        this.clientId = clientId;
        this.scope = scope;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
    }

    void register(String kid, PublicKey key) {
        keys.put(kid, key);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        answers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        byte[] raw = exchange.getRequestBody().readAllBytes();
        long delay = delayMillis;
        if (delay <= 0) {
            answer(exchange, raw);
            return;
        }
        // a slow endpoint: the answer is sent when it is due, the request held open meanwhile
        answers.schedule(() -> {
            answer(exchange, raw);
            return null;
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void answer(HttpExchange exchange, byte[] raw) throws IOException {
        try (exchange) {
            if (failWith != 0) {
                respond(exchange, failWith, failWith >= 400 && failWith < 500
                        ? Json.object("error", failError, "error_description", "refused on demand")
                        : Json.object("error", "temporarily_unavailable"));
                return;
            }
            String problem = check(exchange, new String(raw, StandardCharsets.UTF_8));
            if (problem != null) {
                rejections.add(problem);
                respond(exchange, 401, Json.object("error", "invalid_client", "error_description", problem));
                return;
            }
            String token = "at-" + UUID.randomUUID();
            tokens.add(token);
            issued.incrementAndGet();
            respond(exchange, 200, Json.object("access_token", token, "token_type", "bearer", "expires_in", expiresIn,
                    "scope", scope));
        }
    }

    /** Why the request is refused, or null. */
    private String check(HttpExchange exchange, String body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return "method";
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
            return "content type";
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (form.put(name, value) != null) {
                return "duplicate form field " + name;
            }
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return "grant_type";
        }
        if (!scope.equals(form.get("scope"))) {
            return "scope";
        }
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
            return "client_assertion_type";
        }
        String assertion = form.get("client_assertion");
        if (assertion == null) {
            return "no client_assertion";
        }
        assertions.add(assertion);
        try {
            SignedJWT jwt = SignedJWT.parse(assertion);
            if (!JOSEObjectType.JWT.equals(jwt.getHeader().getType())) {
                return "typ";
            }
            PublicKey key = keys.get(jwt.getHeader().getKeyID());
            if (key == null) {
                return "unknown kid";
            }
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            JWSVerifier verifier;
            if (JWSAlgorithm.RS384.equals(alg) && key instanceof RSAPublicKey rsa) {
                verifier = new RSASSAVerifier(rsa);
            } else if (JWSAlgorithm.ES384.equals(alg) && key instanceof ECPublicKey ec) {
                verifier = new ECDSAVerifier(ec);
            } else {
                return "alg " + alg + " does not fit the key";
            }
            if (!jwt.verify(verifier)) {
                return "signature";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject())) {
                return "iss/sub";
            }
            if (!List.of(url()).equals(claims.getAudience())) {
                return "aud";
            }
            Date exp = claims.getExpirationTime();
            if (exp == null || !exp.toInstant().isAfter(now) || exp.toInstant().isAfter(now.plus(Duration.ofMinutes(5)))) {
                return "exp";
            }
            if (claims.getIssueTime() == null || claims.getIssueTime().toInstant().isAfter(now)) {
                return "iat";
            }
            if (claims.getJWTID() == null || !jtis.add(claims.getJWTID())) {
                return "jti reused";
            }
            return null;
        } catch (Exception e) {
            return "unreadable assertion";
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    List<String> issuedTokens() {
        return new ArrayList<>(tokens);
    }
}
