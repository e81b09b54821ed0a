package org.telenc.engine.broker;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The engine's own broker login. For the embedded broker it is made anew at every start (a random
 * password nobody else ever sees); for an external broker it is the configured user and password.
 * The user name holds an {@code @}, which no client id may contain, so no producer can share it.
 */
public record BrokerIdentity(String user, String password) {

    public static final String EMBEDDED_USER = "engine@broker";

    private static final SecureRandom RANDOM = new SecureRandom();

    public static BrokerIdentity generated() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new BrokerIdentity(EMBEDDED_USER, HexFormat.of().formatHex(secret));
    }

    @Override
    public String toString() {
        return "BrokerIdentity[user=" + user + "]";
    }
}
