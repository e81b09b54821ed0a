package org.telenc.engine.tenancy;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;

/**
 * A store of sealed secrets that seals again, at every start, what is not sealed under the current
 * key in the current format (EMR credentials, webhook signing secrets). Runs before the
 * provisioning file, the demo tenant and the first delivery read those secrets.
 */
public abstract class ResealingAtStart {

    @Order(0)
    @EventListener(ApplicationStartedEvent.class)
    public void resealAtStart() {
        reseal();
    }

    /** @return how many rows were sealed again */
    public abstract int reseal();
}
