package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.auth.EmrTls;
import org.telenc.engine.emr.auth.EmrTlsSettings;
import org.telenc.engine.support.MutualTlsServer;

/** The client certificate's expiry of each EMR connection with mutual TLS, as a gauge an operator alerts on. */
class EmrCertificateGaugesTest {

    static final String CERT = MutualTlsServer.pem("client.pem");
    static final String KEY = MutualTlsServer.pem("client-key.pem");
    static final String CA = MutualTlsServer.pem("ca.pem");

    @Test
    void eachConnectionWithAClientCertificateHasItsSecondsToExpiry() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EmrTls tls = new EmrTls();
        new EmrCertificateGauges(tls, registry, Clock.fixed(now, ZoneOffset.UTC));

        EmrTlsSettings withCertificate = EmrTlsSettings.of(CERT, KEY, CA, now);
        assertThat(tls.sslContext("conn-a", withCertificate)).isNotNull();
        assertThat(tls.sslContext("conn-b", EmrTlsSettings.of(null, null, CA, now))).isNotNull();

        double seconds = registry.get(EmrCertificateGauges.NAME).tag("connection", "conn-a").gauge().value();
        assertThat(seconds).isEqualTo(Duration.between(now, withCertificate.clientCertificateNotAfter()).toSeconds());
        assertThat(seconds).isPositive();
        // a connection that trusts CAs of its own but presents no certificate has nothing to expire
        assertThat(registry.get(EmrCertificateGauges.NAME).tag("connection", "conn-b").gauge().value()).isNaN();

        // the certificate removed from conn-a: the series stays, without a number
        tls.sslContext("conn-a", EmrTlsSettings.of(null, null, CA, now));
        assertThat(registry.get(EmrCertificateGauges.NAME).tag("connection", "conn-a").gauge().value()).isNaN();

        String scrape = registry.scrape();
        assertThat(scrape).contains("telenc_emr_client_certificate_expiry_seconds{connection=\"conn-a\"}");
        assertThat(scrape).doesNotContain(withCertificate.clientCertificateSubject());
    }
}
