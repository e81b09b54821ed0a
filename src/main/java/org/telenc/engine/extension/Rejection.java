package org.telenc.engine.extension;

/**
 * What a team's {@code accepting} route leaves as its body to refuse a request (made by
 * {@code extensions.reject} / {@code extensions.rejectInvalid}): the caller gets
 * {@code {"success":false,"error":code,"message":message}} with {@code status} (422 or 400).
 * The engine checks the shape before it answers: code lowercase snake_case (2 to 64 characters),
 * message 1 to 300 characters without control characters, status 400 or 422.
 */
public record Rejection(String code, String message, int status) {

    /** Never prints the message: a team may have put the request's values in it. */
    @Override
    public String toString() {
        return "Rejection[" + code + ", " + status + "]";
    }
}
