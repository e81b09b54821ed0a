package org.telenc.engine.support;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real HTTPS server in the test JVM that requires a client certificate (TLS client auth) signed by
 * the test CA (src/test/resources/tls, see make-certs.sh there), as a clinic's EMR or SMART token
 * endpoint does. Its own SSL context is built here from plain JDK parts, not by the engine's code.
 * It records the subject of each client certificate it accepted.
 */
public final class MutualTlsServer implements AutoCloseable {

    private final HttpsServer server;
    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();

    private MutualTlsServer(HttpsServer server) {
        this.server = server;
    }

    /** Starts a server on 127.0.0.1, any free port, whose answers {@code handler} writes. */
    public static MutualTlsServer start(HttpHandler handler) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            MutualTlsServer tls = new MutualTlsServer(server);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext()) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                    parameters.setNeedClientAuth(true);
                    params.setSSLParameters(parameters);
                }
            });
            server.createContext("/", exchange -> {
                try {
                    var peer = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
                    tls.clientSubjects.add(((X509Certificate) peer[0]).getSubjectX500Principal().getName());
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    tls.clientSubjects.add("(none)");
                }
                handler.handle(exchange);
            });
            server.start();
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A handler that forwards every call under {@code /fhir} to the FHIR server at {@code target}
     * (plain HTTP, e.g. the engine's sandbox) and answers what it answered, as an EMR behind a
     * TLS-terminating gateway that demands client certificates.
     */
    public static HttpHandler forwardingTo(String target) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        Set<String> requestHeaders = Set.of("content-type", "accept", "if-none-exist", "prefer", "authorization", "if-match",
                "cache-control");
        return exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getRawPath().replaceFirst("^/fhir", "");
                String query = exchange.getRequestURI().getRawQuery();
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(target + path + (query == null ? "" : "?" + query)))
                        .method(exchange.getRequestMethod(), body.length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (requestHeaders.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                var response = client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                for (String name : List.of("Content-Type", "Location", "ETag")) {
                    response.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().add(name, v));
                }
                byte[] answer = response.body();
                exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** https://127.0.0.1:port + path. */
    public String url(String path) {
        return "https://127.0.0.1:" + port() + path;
    }

    /** The subjects (RFC 2253) of the client certificates of the requests answered so far. */
    public List<String> clientSubjects() {
        return clientSubjects;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A test PEM file of src/test/resources/tls as text. */
    public static String pem(String name) {
        try (InputStream in = MutualTlsServer.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test file tls/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's key and certificate; it trusts only the test CA for client certificates. */
    private static SSLContext serverContext() {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            Certificate serverCertificate = x509.generateCertificate(new ByteArrayInputStream(pem("server.pem").getBytes(StandardCharsets.US_ASCII)));
            Certificate ca = x509.generateCertificate(new ByteArrayInputStream(pem("ca.pem").getBytes(StandardCharsets.US_ASCII)));
            String key = pem("server-key.pem").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
            char[] password = "test".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", privateKey, password, new Certificate[] {serverCertificate, ca});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("test server TLS", e);
        }
    }
}
