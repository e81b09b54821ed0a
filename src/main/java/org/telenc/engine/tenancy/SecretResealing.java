package org.telenc.engine.tenancy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Key rotation without an offline re-encrypt: at every start, each stored EMR credential that is
 * not sealed under the current key in the current format (sealed under a previous key, or in the
 * first format, which had no key id and no associated data) is opened and sealed again under the
 * current key, bound to its connection. Each row is replaced only if it still holds what was read,
 * so replicas starting together do not overwrite one another. A value no configured key opens is
 * left as it is (its connection is skipped until it is fixed) and counted in the log line.
 */
@Component
public class SecretResealing extends ResealingAtStart {

    private static final Logger log = LoggerFactory.getLogger(SecretResealing.class);

    private final TenancyRepository tenancy;
    private final SecretBox secrets;

    public SecretResealing(TenancyRepository tenancy, SecretBox secrets) {
        this.tenancy = tenancy;
        this.secrets = secrets;
    }

    /** @return how many values were re-sealed */
    @Override
    public int reseal() {
        int resealed = 0;
        int unreadable = 0;
        for (TenancyRepository.SealedCredentials row : tenancy.allSealedCredentials()) {
            if (secrets.current(row.sealed())) {
                continue;
            }
            String context = SecretBox.emrCredentials(row.connectionId());
            String plain;
            try {
                plain = secrets.open(row.sealed(), context);
            } catch (IllegalStateException e) {
                unreadable++;
                log.warn("EMR connection {}: stored credentials could not be opened with any configured key: {}",
                        row.connectionId(), e.getMessage());
                continue;
            }
            if (tenancy.replaceSealedCredentials(row.connectionId(), row.sealed(), secrets.seal(plain, context))) {
                resealed++;
            }
        }
        if (resealed > 0 || unreadable > 0) {
            log.info("secrets: {} stored credential(s) re-sealed under key {}; {} could not be opened", resealed,
                    secrets.currentKeyId(), unreadable);
        }
        return resealed;
    }
}
