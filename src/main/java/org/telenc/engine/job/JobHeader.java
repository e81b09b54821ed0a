package org.telenc.engine.job;

import java.time.Instant;
import org.telenc.engine.emr.EmrConnection;

/**
 * The part of a job every kind has: the stored request's id and job id, whose it is (client,
 * access token reference), the EMR connection, whether its outcome is already recorded, when it
 * was accepted and which try at the EMR this is.
 */
public record JobHeader(String requestId, long jobId, String clientPk, String accessTokenReferenceId,
        EmrConnection connection, boolean alreadyFinished, Instant acceptedAt, int emrAttempt) {
}
