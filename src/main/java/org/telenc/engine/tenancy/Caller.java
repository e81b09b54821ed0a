package org.telenc.engine.tenancy;

/**
 * Who is calling, once authenticated: the API client and, for connection-scoped calls, the access
 * token with its EMR connection and the EMR user the engine acts as.
 */
public record Caller(
        String clientPk,
        String clientId,
        String accessTokenId,
        String accessTokenReferenceId,
        String connectionId,
        String emrType,
        String emrUserEhrId) {
}
