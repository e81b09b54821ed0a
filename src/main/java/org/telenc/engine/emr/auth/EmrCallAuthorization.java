package org.telenc.engine.emr.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * What the EMR call routes (the FHIR adapter's, the REST transport template's) ask before and after
 * each call: the connection's credentials on the request (the Authorization header, or an API key
 * in a header of its own) and off the answer, and what a 401 means. A 401 drops a cached SMART token and is retried with a new one;
 * {@code engine.emr.expire-after-401s} refusals in a row mark the connection {@code expired}, after
 * which the API answers {@code login_required} for its tokens and its queued jobs fail with it.
 */
@Component("emrCallAuthorization")
public class EmrCallAuthorization {

    private static final Logger log = LoggerFactory.getLogger(EmrCallAuthorization.class);

    private final EmrAuthorizations authorizations;
    private final TenancyRepository tenancy;
    private final int expireAfter;
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    public EmrCallAuthorization(EmrAuthorizations authorizations, TenancyRepository tenancy,
            @Value("${engine.emr.expire-after-401s:3}") int expireAfter) {
        this.authorizations = authorizations;
        this.tenancy = tenancy;
        this.expireAfter = Math.max(1, expireAfter);
    }

    /** The Authorization header value, or null for a connection without authentication. */
    public String header(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection) {
        if (connection == null) {
            return null;
        }
        return (connection.tls().isNone() ? authorizations.authorizationHeader(connection.id(), connection.auth())
                : authorizations.authorizationHeader(connection.id(), connection.auth(), connection.tls())).orElse(null);
    }

    /**
     * Puts the connection's credentials on the request: the Authorization header
     * ({@link #header}), or for {@code api-key} the key in the connection's own header. Nothing when
     * the connection has no authentication.
     */
    public void apply(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, Message request) {
        if (connection == null) {
            return;
        }
        if (connection.auth().type() == EmrAuthSettings.Type.API_KEY) {
            request.setHeader(connection.auth().header(), connection.auth().apiKey());
            return;
        }
        String authorization = header(connection);
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
    }

    /** Takes the credentials {@link #apply} put on the request off the message (the answer goes on to the flow). */
    public void remove(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, Message answer) {
        answer.removeHeader("Authorization");
        if (connection != null && connection.auth().type() == EmrAuthSettings.Type.API_KEY) {
            answer.removeHeader(connection.auth().header());
        }
    }

    /** Counts 401s in a row per connection; throws to retry with a fresh token, or marks the link expired. */
    public void afterResponse(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Header(Exchange.HTTP_RESPONSE_CODE) Integer status) {
        if (connection == null || status == null) {
            return;
        }
        if (status != 401) {
            if (status < 400) {
                refusals.remove(connection.id());
            }
            return;
        }
        authorizations.invalidate(connection.id());
        int inARow = refusals.computeIfAbsent(connection.id(), id -> new AtomicInteger()).incrementAndGet();
        if (inARow >= expireAfter) {
            refusals.remove(connection.id());
            tenancy.setConnectionStatus(connection.id(), EmrConnection.EXPIRED);
            log.warn("EMR connection {} refused the engine's credentials {} times in a row: link marked expired",
                    connection.id(), inARow);
            throw new EmrPermanentException("login_required", 401, "EMR refused the engine's credentials (HTTP 401)");
        }
        if (connection.auth().type() == EmrAuthSettings.Type.SMART_BACKEND) {
            throw new EmrRetryableException(401, "EMR refused the access token (HTTP 401): retrying with a new token");
        }
    }
}
