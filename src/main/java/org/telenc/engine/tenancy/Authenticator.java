package org.telenc.engine.tenancy;

import java.time.Clock;
import java.util.Optional;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.routes.MessageHeaders;

/**
 * docs/api.md "Authentication": client credentials, then the access token, then the state of its EMR
 * link. Secrets are compared in constant time, and an unknown client costs the same hash and
 * comparison as a known one, so neither answer nor timing tells whether a client id exists.
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
            @Header(MessageHeaders.ACCESS_TOKEN) String accessToken) {
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
