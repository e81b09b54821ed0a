package org.telenc.engine.faults;

/**
 * One POST /v1/telephone-encounters the suite sends, and what became of it. A request is
 * <em>acknowledged</em> once a 200 answer carried its {@code telephone_encounter_id}: from then on
 * docs/api.md ("Success") promises exactly one terminal webhook event, whatever crashes. Only the ids,
 * the Idempotency-Key and status codes are ever printed; the body holds PHI.
 */
final class EncounterRequest {

    private final int number;
    private final String idempotencyKey;
    private final String body;
    private final boolean refillRequested;
    private volatile boolean sent;
    private volatile String encounterId;
    private volatile boolean acknowledgedOnResend;
    private volatile String lastFailure;
    private volatile long answeredAtNanos;

    EncounterRequest(int number, String idempotencyKey, String body, boolean refillRequested) {
        this.number = number;
        this.idempotencyKey = idempotencyKey;
        this.body = body;
        this.refillRequested = refillRequested;
    }

    int number() {
        return number;
    }

    String idempotencyKey() {
        return idempotencyKey;
    }

    String body() {
        return body;
    }

    boolean refillRequested() {
        return refillRequested;
    }

    boolean sent() {
        return sent;
    }

    boolean acknowledged() {
        return encounterId != null;
    }

    String encounterId() {
        return encounterId;
    }

    boolean acknowledgedOnResend() {
        return acknowledgedOnResend;
    }

    /** Why the last attempt was not acknowledged: {@code HTTP 409 idempotency_key_in_use}, an exception class... */
    String lastFailure() {
        return lastFailure;
    }

    void markSent() {
        sent = true;
    }

    /** {@link System#nanoTime()} of the last answer or failure; 0 before any. */
    long answeredAtNanos() {
        return answeredAtNanos;
    }

    void acknowledge(String telephoneEncounterId, boolean onResend) {
        answeredAtNanos = System.nanoTime();
        encounterId = telephoneEncounterId;
        acknowledgedOnResend = onResend;
        lastFailure = null;
    }

    void failed(String why) {
        answeredAtNanos = System.nanoTime();
        lastFailure = why;
    }
}
