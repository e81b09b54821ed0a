package org.telenc.engine.emr.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS part of an EMR connection, beside its {@link EmrAuthSettings} (it combines with every auth
 * type): a client certificate for mutual TLS and the CA certificates to trust for that EMR, in
 * PEM. The JSON, the connection's {@code tls} member:
 *
 * <pre>
 * {"client_certificate_pem": "-----BEGIN CERTIFICATE-----\n...", "client_key_pem": "-----BEGIN PRIVATE KEY-----\n...",
 *  "ca_certificates_pem": "-----BEGIN CERTIFICATE-----\n..."}
 * </pre>
 *
 * {@code client_certificate_pem} is the client certificate first, then any intermediates;
 * {@code client_key_pem} its unencrypted PKCS#8 key, RSA or EC, and the two come together;
 * {@code ca_certificates_pem} one or more CA certificates trusted for this EMR in addition to the
 * JVM's default trust. Refused: a PEM that does not parse, a key that does not match the
 * certificate, a client certificate that has expired or is not valid yet, any other key type.
 *
 * <p>Errors are {@link IllegalArgumentException}s naming the field; neither they nor
 * {@link #toString()} ever show any part of the key.
 */
public final class EmrTlsSettings {

    /** The member of a connection (and of its sealed credentials) holding these settings. */
    public static final String MEMBER = "tls";

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> FIELDS = Set.of("client_certificate_pem", "client_key_pem", "ca_certificates_pem");
    private static final EmrTlsSettings NONE = new EmrTlsSettings(null, null, null, List.of(), null, List.of());

    private final String clientCertificatePem;
    private final String clientKeyPem;
    private final String caCertificatesPem;
    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final List<X509Certificate> cas;

    private EmrTlsSettings(String clientCertificatePem, String clientKeyPem, String caCertificatesPem,
            List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas) {
        this.clientCertificatePem = clientCertificatePem;
        this.clientKeyPem = clientKeyPem;
        this.caCertificatesPem = caCertificatesPem;
        this.chain = List.copyOf(chain);
        this.key = key;
        this.cas = List.copyOf(cas);
    }

    /** No client certificate, the JVM's default trust. */
    public static EmrTlsSettings none() {
        return NONE;
    }

    /**
     * Settings from PEM text, the client certificate's validity checked as at {@code now} (not at all
     * when null); any of them may be null (certificate and key come together). All null is {@link #none()}.
     */
    public static EmrTlsSettings of(String clientCertificatePem, String clientKeyPem, String caCertificatesPem, Instant now) {
        String certificate = blankToNull(clientCertificatePem);
        String privateKey = blankToNull(clientKeyPem);
        String caPem = blankToNull(caCertificatesPem);
        if (certificate == null && privateKey == null && caPem == null) {
            return NONE;
        }
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("EMR TLS settings: " + (certificate == null ? "client_certificate_pem" : "client_key_pem")
                    + " is missing (client_certificate_pem and client_key_pem come together)");
        }
        List<X509Certificate> chain = List.of();
        PrivateKey key = null;
        if (certificate != null) {
            chain = certificates(certificate, "client_certificate_pem");
            key = PemPrivateKeys.parse(privateKey, "EMR TLS settings: client_key_pem"); // RSA or EC, else refused
            X509Certificate leaf = chain.get(0);
            if (!matches(key, leaf.getPublicKey())) {
                throw new IllegalArgumentException("EMR TLS settings: client_key_pem does not match the first certificate of "
                        + "client_certificate_pem");
            }
            try {
                if (now != null) {
                    leaf.checkValidity(java.util.Date.from(now));
                }
            } catch (CertificateExpiredException e) {
                throw new IllegalArgumentException("EMR TLS settings: client_certificate_pem has expired (not after "
                        + leaf.getNotAfter().toInstant() + ")");
            } catch (CertificateNotYetValidException e) {
                throw new IllegalArgumentException("EMR TLS settings: client_certificate_pem is not valid yet (not before "
                        + leaf.getNotBefore().toInstant() + ")");
            }
        }
        List<X509Certificate> cas = caPem == null ? List.of() : certificates(caPem, "ca_certificates_pem");
        return new EmrTlsSettings(certificate, privateKey, caPem, chain, key, cas);
    }

    /** Settings from the connection's {@code tls} JSON object; null or JSON null is {@link #none()}. */
    public static EmrTlsSettings parse(JsonNode node, Instant now) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("EMR TLS settings: tls must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("EMR TLS settings: field " + (name.matches("[A-Za-z0-9_.-]{1,40}") ? name : "(unnamed)")
                        + " is not known (allowed: ca_certificates_pem, client_certificate_pem, client_key_pem)");
            }
        }
        return of(text(node, "client_certificate_pem"), text(node, "client_key_pem"), text(node, "ca_certificates_pem"), now);
    }

    /**
     * The TLS settings in a connection's stored credentials (its {@code tls} member), not checked for
     * expiry: a certificate that expires while in use still reaches the EMR, which then refuses it.
     */
    public static EmrTlsSettings ofStored(String storedJson) {
        JsonNode tls = stored(storedJson).get(MEMBER);
        return tls == null ? NONE : parse(tls, null);
    }

    /** A connection's stored credentials without their {@code tls} member: what {@link EmrAuthSettings#parse} reads. */
    public static String authOfStored(String storedJson) {
        if (storedJson == null || storedJson.isBlank()) {
            return storedJson;
        }
        ObjectNode node = stored(storedJson).deepCopy();
        node.remove(MEMBER);
        return node.isEmpty() ? null : node.toString();
    }

    /**
     * The stored credentials of a connection: its auth object (null for none) with the TLS settings as
     * the {@code tls} member; null when there is neither.
     */
    public static String stored(JsonNode auth, JsonNode tls) {
        boolean noAuth = auth == null || auth.isNull() || EmrAuthSettings.parse(auth.toString()).type() == EmrAuthSettings.Type.NONE;
        boolean noTls = tls == null || tls.isNull() || tls.isEmpty();
        if (noAuth && noTls) {
            return null;
        }
        ObjectNode node = noAuth ? JSON.createObjectNode().put("type", "none") : ((ObjectNode) auth).deepCopy();
        if (!noTls) {
            node.set(MEMBER, tls);
        }
        return node.toString();
    }

    /** The {@code tls} member of stored credentials, or null. */
    public static JsonNode tlsOfStored(String storedJson) {
        return storedJson == null || storedJson.isBlank() ? null : stored(storedJson).get(MEMBER);
    }

    private static ObjectNode stored(String storedJson) {
        if (storedJson == null || storedJson.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(storedJson);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // the message quotes the input: not shown
        }
        if (storedJson.strip().equals("null")) {
            return JSON.createObjectNode();
        }
        throw new IllegalArgumentException("EMR auth settings are not a JSON object");
    }

    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile(
            "EMR TLS settings: (?:field )?([a-z_]+)[ .]");

    /** The field an error of these settings names ({@code tls} when none in particular). */
    public static String fieldOf(IllegalArgumentException error) {
        var matcher = FIELD.matcher(String.valueOf(error.getMessage()));
        return matcher.lookingAt() ? matcher.group(1) : MEMBER;
    }

    public boolean isNone() {
        return chain.isEmpty() && cas.isEmpty();
    }

    public boolean hasClientCertificate() {
        return !chain.isEmpty();
    }

    /** The client certificate's subject, or null. */
    public String clientCertificateSubject() {
        return chain.isEmpty() ? null : chain.get(0).getSubjectX500Principal().getName();
    }

    /** When the client certificate expires, or null. */
    public Instant clientCertificateNotAfter() {
        return chain.isEmpty() ? null : chain.get(0).getNotAfter().toInstant();
    }

    public int caCertificateCount() {
        return cas.size();
    }

    /**
     * A new SSL context: the client certificate as the key (when set), and the JVM's default trust
     * with the CA certificates added (when set); otherwise the JVM's defaults.
     */
    public SSLContext sslContext() {
        try {
            KeyManagerFactory keys = null;
            if (key != null) {
                char[] password = new char[0];
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password);
            }
            TrustManagerFactory trust = null;
            if (!cas.isEmpty()) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int n = 0;
                for (X509Certificate ca : defaultTrustedIssuers()) {
                    store.setCertificateEntry("default-" + n++, ca);
                }
                for (X509Certificate ca : cas) {
                    store.setCertificateEntry("connection-" + n++, ca);
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            // the cause's text may name key material: its type only
            throw new IllegalStateException("EMR TLS settings: the SSL context could not be built (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static List<X509Certificate> defaultTrustedIssuers() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> issuers = new ArrayList<>();
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                issuers.addAll(List.of(x509.getAcceptedIssuers()));
            }
        }
        return issuers;
    }

    private static List<X509Certificate> certificates(String pem, String field) {
        String text = pem.replace("\\r", "").replace("\\n", "\n").strip();
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("EMR TLS settings: " + field + " is not a PEM certificate "
                    + "(expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)");
        }
        Collection<? extends Certificate> parsed;
        try {
            parsed = CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("EMR TLS settings: " + field + " is not a valid PEM certificate");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : parsed) {
            if (certificate instanceof X509Certificate x509) {
                certificates.add(x509);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("EMR TLS settings: " + field + " holds no certificate");
        }
        return certificates;
    }

    /** Whether the private key belongs to the public key: a signature made with one verifies with the other. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())
                || (key instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey ecPublic
                        && ec.getParams().getCurve().getField().getFieldSize() != ecPublic.getParams().getCurve().getField().getFieldSize())) {
            return false;
        }
        String algorithm = key instanceof ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "telenc mutual TLS key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("EMR TLS settings: " + field + " must be a string");
        }
        return value.textValue();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EmrTlsSettings that && Objects.equals(clientCertificatePem, that.clientCertificatePem)
                && Objects.equals(clientKeyPem, that.clientKeyPem) && Objects.equals(caCertificatesPem, that.caCertificatesPem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clientCertificatePem, clientKeyPem, caCertificatesPem);
    }

    @Override
    public String toString() {
        return isNone() ? "EmrTlsSettings[none]" : "EmrTlsSettings[clientCertificate=" + clientCertificateSubject()
                + ", clientKey=" + (key == null ? "none" : "***") + ", caCertificates=" + cas.size() + "]";
    }
}
