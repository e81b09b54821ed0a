package org.telenc.engine.extension;

/**
 * A team's extension route failed (threw, is not running, or left a body the engine cannot use).
 * Its message names only the point, the connection, the route's endpoint and a fixed reason or an
 * exception class: never what the team's exception said, which may quote the request.
 */
public class ExtensionFailedException extends RuntimeException {

    private final ExtensionPoint point;

    public ExtensionFailedException(ExtensionPoint point, String connectionId, String endpoint, String reason) {
        super("extension " + point.key() + " (" + endpoint + ") of EMR connection " + connectionId + " failed: " + reason,
                null, false, false);
        this.point = point;
    }

    public ExtensionPoint point() {
        return point;
    }
}
