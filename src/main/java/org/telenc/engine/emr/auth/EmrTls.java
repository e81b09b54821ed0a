package org.telenc.engine.emr.auth;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * The TLS of every HTTP call to an EMR connection that has {@link EmrTlsSettings}: one SSL context
 * per connection, built on its first call and rebuilt when its TLS settings change, used by the
 * FHIR adapter's and the REST transport's camel-http endpoint and by the SMART token request.
 *
 * <p>For camel-http, {@link #endpointOption} names the connection's context in the Camel registry
 * ({@code sslContextParameters=#emrTls-...}); the name changes with the settings, so a connection
 * whose certificate was replaced gets a new endpoint, with its own connection pool, and no pooled
 * connection made with one connection's certificate is ever used for another connection. A
 * connection without TLS settings uses the endpoint it always did (the JVM's defaults).
 */
@Component("emrTls")
public class EmrTls {

    private static final Logger log = LoggerFactory.getLogger(EmrTls.class);

    private static final java.util.concurrent.atomic.AtomicLong GENERATION = new java.util.concurrent.atomic.AtomicLong();

    private final Map<String, Entry> contexts = new ConcurrentHashMap<>();
    private final List<Consumer<String>> contextListeners = new CopyOnWriteArrayList<>();

    /** Called with the connection's id each time its SSL context is built or rebuilt. */
    public void onContextBuilt(Consumer<String> listener) {
        contextListeners.add(listener);
    }

    /** When the client certificate of the connection's current SSL context expires; empty without one. */
    public Optional<Instant> clientCertificateNotAfter(String connectionId) {
        Entry entry = contexts.get(connectionId);
        return entry == null || !entry.tls().hasClientCertificate() ? Optional.empty()
                : Optional.of(entry.tls().clientCertificateNotAfter());
    }

    /** The connection's SSL context, or null for a connection without TLS settings (the JVM's defaults). */
    public SSLContext sslContext(String connectionId, EmrTlsSettings tls) {
        Entry entry = entry(connectionId, tls);
        return entry == null ? null : entry.context();
    }

    /**
     * The camel-http endpoint option for the connection's calls: {@code &sslContextParameters=#<name>}
     * with its SSL context bound under that name in the Camel registry, or empty without TLS settings.
     */
    public String endpointOption(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            Exchange exchange) {
        if (connection == null) {
            return "";
        }
        Entry entry = entry(connection.id(), connection.tls());
        if (entry == null) {
            return "";
        }
        CamelContext camel = exchange.getContext();
        if (camel.getRegistry().lookupByName(entry.name()) == null) {
            camel.getRegistry().bind(entry.name(), SSLContextParameters.class, new FixedSslContext(entry.context()));
        }
        return "&sslContextParameters=#" + entry.name();
    }

    /** An HTTP client for the SMART token request of a connection with TLS settings (null: none, use the shared one). */
    public HttpClient httpClient(String connectionId, EmrTlsSettings tls, Duration connectTimeout) {
        Entry entry = entry(connectionId, tls);
        if (entry == null) {
            return null;
        }
        return entry.httpClient(connectTimeout);
    }

    private Entry entry(String connectionId, EmrTlsSettings tls) {
        if (connectionId == null || tls == null || tls.isNone()) {
            return null;
        }
        boolean[] built = {false};
        Entry entry = contexts.compute(connectionId, (id, current) -> {
            if (current != null && current.tls().equals(tls)) {
                return current;
            }
            Entry fresh = new Entry(tls, tls.sslContext(), name(id, tls));
            log.info("EMR connection {}: SSL context {} (client certificate {}, {} CA certificate(s) of its own)", id,
                    current == null ? "built" : "rebuilt for changed TLS settings",
                    tls.hasClientCertificate() ? "expires " + tls.clientCertificateNotAfter() : "none", tls.caCertificateCount());
            built[0] = true;
            return fresh;
        });
        if (built[0]) {
            contextListeners.forEach(listener -> listener.accept(connectionId));
        }
        return entry;
    }

    /** A new registry name for a connection's new context: a digest of its id and a counter, never any part of the key. */
    private static String name(String connectionId, EmrTlsSettings tls) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(connectionId.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(GENERATION.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            return "emrTls-" + HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Entry {
        private final EmrTlsSettings tls;
        private final SSLContext context;
        private final String name;
        private volatile HttpClient httpClient;

        Entry(EmrTlsSettings tls, SSLContext context, String name) {
            this.tls = tls;
            this.context = context;
            this.name = name;
        }

        EmrTlsSettings tls() {
            return tls;
        }

        SSLContext context() {
            return context;
        }

        String name() {
            return name;
        }

        synchronized HttpClient httpClient(Duration connectTimeout) {
            if (httpClient == null) {
                httpClient = HttpClient.newBuilder()
                        .sslContext(context)
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
            }
            return httpClient;
        }
    }

    /** Camel's SSL context parameters that hand out one ready context. */
    static final class FixedSslContext extends SSLContextParameters {
        private final SSLContext context;

        FixedSslContext(SSLContext context) {
            this.context = context;
        }

        @Override
        public SSLContext createSSLContext(CamelContext camelContext) {
            return context;
        }

        @Override
        public String toString() {
            return "EmrTls.FixedSslContext";
        }
    }
}
