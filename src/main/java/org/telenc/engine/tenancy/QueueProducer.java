package org.telenc.engine.tenancy;

import org.telenc.engine.api.ApiException;

/**
 * An MQ message's sender as the broker names it: the client the producer logged in as (the
 * broker-stamped JMSXUserID, never a property the message carries), the clinic link it names
 * ({@code access_token_reference_id}, null for the client's only link) and, when the message itself
 * is refused before intake (credentials in it, a reply destination that is not the producer's), why.
 */
public record QueueProducer(String clientId, String accessTokenReferenceId, ApiException refusal) {
}
