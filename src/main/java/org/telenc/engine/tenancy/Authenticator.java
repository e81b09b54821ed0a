package org.telenc.engine.tenancy;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;

/**
 * docs/api.md "Authentication": client credentials, then the access token, then the state of its EMR
 * link. Secrets are compared in constant time, and an unknown client costs the same hash and
 * comparison as a known one, so neither answer nor timing tells whether a client id exists.
 *
 * <p>An MQ message ({@link QueueProducer}) carries no secret: the broker checked the producer's
 * login, and the message names the clinic link by its {@code access_token_reference_id} (or none,
 * when the client has one link). The token's state is checked as for HTTP.
 */
@Component("authenticator")
public class Authenticator {

    private static final String DUMMY_HASH = Secrets.sha256Hex("no-such-client");

    private final TenancyRepository tenancy;
    private final Clock clock;

    public Authenticator(TenancyRepository tenancy, Clock clock) {
        this.tenancy = tenancy;
        this.clock = clock;
    }

    public Caller authenticate(@Header(MessageHeaders.CLIENT_ID) String clientId, @Header(MessageHeaders.CLIENT_SECRET) String clientSecret,
            @Header(MessageHeaders.ACCESS_TOKEN) String accessToken,
            @ExchangeProperty(ExchangeProperties.QUEUE_PRODUCER) QueueProducer queueProducer) {
        if (queueProducer != null) {
            return authenticateProducer(queueProducer);
        }
        boolean tokenGiven = accessToken != null && !accessToken.isEmpty();
        // client and token in one read; the token's hash is computed for every call, found or not
        Optional<TenancyRepository.Credentials> credentials = clientId == null || clientId.isEmpty() ? Optional.empty()
                : tenancy.findCredentials(clientId, Secrets.sha256Hex(tokenGiven ? accessToken : ""));
        TenancyRepository.ClientRow client = authenticateClient(credentials.map(TenancyRepository.Credentials::client),
                clientSecret);
        if (!tokenGiven) {
            throw ApiException.invalidAccessToken();
        }
        TenancyRepository.TokenRow token = credentials.flatMap(TenancyRepository.Credentials::token)
                .filter(t -> t.clientPk().equals(client.id()))
                .filter(t -> !"revoked".equals(t.status()))
                .orElseThrow(ApiException::invalidAccessToken);
        return caller(client, token);
    }

    private Caller authenticateProducer(QueueProducer producer) {
        if (producer.refusal() != null) {
            throw producer.refusal();
        }
        TenancyRepository.ClientRow client = Optional.ofNullable(producer.clientId()).flatMap(tenancy::findClient)
                .filter(c -> "active".equals(c.status()))
                .orElseThrow(ApiException::invalidClientCredentials);
        List<TenancyRepository.TokenRow> tokens = tenancy.producerTokens(client.id(), producer.accessTokenReferenceId());
        if (tokens.size() != 1) {
            throw new ApiException(401, "invalid_access_token", producer.accessTokenReferenceId() == null && tokens.size() > 1
                    ? "Name the clinic link with the access_token_reference_id property."
                    : "Invalid access token.");
        }
        return caller(client, tokens.get(0));
    }

    private Caller caller(TenancyRepository.ClientRow client, TenancyRepository.TokenRow token) {
        boolean expired = "expired".equals(token.status())
                || !"active".equals(token.connectionStatus())
                || (token.expiresAt() != null && !token.expiresAt().isAfter(clock.instant()));
        if (expired) {
            throw ApiException.loginRequired();
        }
        return new Caller(client.id(), client.clientId(), token.id(), token.referenceId(), token.connectionId(),
                token.emrType(), token.emrUserEhrId());
    }

    private TenancyRepository.ClientRow authenticateClient(Optional<TenancyRepository.ClientRow> client, String clientSecret) {
        String presented = Secrets.sha256Hex(clientSecret == null ? "" : clientSecret);
        boolean match = Secrets.sameDigest(presented, client.map(TenancyRepository.ClientRow::secretHash).orElse(DUMMY_HASH));
        if (client.isEmpty() || !match || clientSecret == null || !"active".equals(client.get().status())) {
            throw ApiException.invalidClientCredentials();
        }
        return client.get();
    }
}
