package org.telenc.engine.extension;

/**
 * What a team's {@code after-match} route leaves as its body to end the job {@code failed} (made by
 * {@code extensions.refuse}): the webhook's reason is {@code code} with {@code description}. The
 * code must be one the connection's settings declare ({@link FailureCodes}); the description 1 to
 * 300 characters without control characters. It goes to the webhook only, never to a log line.
 */
public record JobRefusal(String code, String description) {

    /** Never prints the description: a team may have put anything there. */
    @Override
    public String toString() {
        return "JobRefusal[" + code + "]";
    }
}
