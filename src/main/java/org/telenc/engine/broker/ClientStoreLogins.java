package org.telenc.engine.broker;

import java.util.Optional;
import org.springframework.stereotype.Component;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * A producer's broker login checked against the engine's client store: user {@code client_id},
 * password {@code client_secret}, an active client. The secret is compared in constant time, and an
 * unknown client costs the same hash and comparison as a known one.
 */
@Component
public class ClientStoreLogins implements ProducerLogins {

    private static final String DUMMY_HASH = Secrets.sha256Hex("no-such-client");

    private final TenancyRepository tenancy;

    public ClientStoreLogins(TenancyRepository tenancy) {
        this.tenancy = tenancy;
    }

    @Override
    public Optional<String> check(String clientId, String clientSecret) {
        Optional<TenancyRepository.ClientRow> client = clientId == null || clientId.isEmpty() ? Optional.empty()
                : tenancy.findClient(clientId);
        String presented = Secrets.sha256Hex(clientSecret == null ? "" : clientSecret);
        boolean match = Secrets.sameDigest(presented, client.map(TenancyRepository.ClientRow::secretHash).orElse(DUMMY_HASH));
        if (client.isEmpty() || !match || clientSecret == null || clientSecret.isEmpty()
                || !"active".equals(client.get().status())) {
            return Optional.empty();
        }
        return Optional.of(client.get().clientId());
    }
}
