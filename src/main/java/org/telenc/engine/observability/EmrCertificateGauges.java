package org.telenc.engine.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.auth.EmrTls;

/**
 * {@code telenc_emr_client_certificate_expiry_seconds{connection}}: seconds until the client
 * certificate of an EMR connection's mutual TLS expires (negative once it has), for each connection
 * with a client certificate that this replica has called; an operator alerts on it well before 0.
 * Not a number once the connection no longer has a client certificate. The label is the
 * connection's id, never its name, URL or the certificate's subject.
 */
@Component
public class EmrCertificateGauges {

    static final String NAME = "telenc.emr.client.certificate.expiry";
    private static final Pattern CONNECTION_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public EmrCertificateGauges(EmrTls tls, MeterRegistry registry, Clock clock) {
        tls.onContextBuilt(connectionId -> {
            if (CONNECTION_ID.matcher(connectionId).matches()) {
                Gauge.builder(NAME, () -> tls.clientCertificateNotAfter(connectionId)
                                .map(notAfter -> (double) Duration.between(clock.instant(), notAfter).toSeconds())
                                .orElse(Double.NaN))
                        .description("Seconds until the EMR connection's mutual TLS client certificate expires")
                        .baseUnit("seconds")
                        .tag("connection", connectionId)
                        .register(registry);
            }
        });
    }
}
