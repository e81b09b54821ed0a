package org.telenc.engine.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A TCP port on the loopback interface that was free a moment ago: bind port 0, read the port the
 * kernel chose, close. The fault suite takes every port this way at run time, so a concurrent test
 * run (or a developer's engine on 8080/61616) never clashes with it.
 */
final class FreePort {

    private FreePort() {}

    static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }
}
