package org.telenc.engine.job;

import java.time.Instant;

/** The columns every kind's request row has, as its repository reads them. */
public interface StoredJob {

    String id();

    long jobId();

    String clientPk();

    String accessTokenId();

    String connectionId();

    /** processing until the outcome is recorded. */
    String status();

    Instant createdAt();

    default boolean isFinished() {
        return !"processing".equals(status());
    }
}
