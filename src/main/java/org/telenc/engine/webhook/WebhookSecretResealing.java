package org.telenc.engine.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.tenancy.ResealingAtStart;
import org.telenc.engine.tenancy.SecretBox;

/**
 * At every start, each stored webhook signing secret (current and previous) that is not sealed
 * under the current key in the current format is sealed again, bound to its URL: secrets written in
 * clear before sealing existed, once, and secrets sealed under a previous key after a rotation of
 * {@code engine.secrets.key}. A row is replaced only if it still holds what was read, so replicas
 * starting together do not overwrite one another. A sealed value no configured key opens is left as
 * it is (its URL cannot be signed for until it is fixed) and counted in the log line.
 */
@Component
public class WebhookSecretResealing extends ResealingAtStart {

    private static final Logger log = LoggerFactory.getLogger(WebhookSecretResealing.class);

    private final WebhookRepository webhooks;
    private final SecretBox box;

    public WebhookSecretResealing(WebhookRepository webhooks, SecretBox box) {
        this.webhooks = webhooks;
        this.box = box;
    }

    /** @return how many URLs had a secret re-sealed */
    @Override
    public int reseal() {
        int resealed = 0;
        int unreadable = 0;
        for (WebhookRepository.StoredSecrets row : webhooks.allStoredSecrets()) {
            if (current(row.secret()) && current(row.previousSecret())) {
                continue;
            }
            String context = WebhookRepository.secretContext(row.endpointId());
            try {
                String secret = resealed(row.secret(), context);
                String previous = resealed(row.previousSecret(), context);
                if (webhooks.replaceStoredSecrets(row, secret, previous)) {
                    resealed++;
                }
            } catch (IllegalStateException e) {
                unreadable++;
                log.warn("webhook {}: a stored signing secret could not be opened with any configured key: {}",
                        row.endpointId(), e.getMessage());
            }
        }
        if (resealed > 0 || unreadable > 0) {
            log.info("secrets: {} webhook URL(s) had signing secrets sealed under key {}; {} could not be opened", resealed,
                    box.currentKeyId(), unreadable);
        }
        return resealed;
    }

    private boolean current(String stored) {
        return stored == null || SecretBox.isSealed(stored) && box.current(stored);
    }

    private String resealed(String stored, String context) {
        if (current(stored)) {
            return stored;
        }
        return box.seal(SecretBox.isSealed(stored) ? box.open(stored, context) : stored, context);
    }
}
