package org.telenc.engine.broker;

import java.util.Optional;

/** Checks a producer's broker login (user, password): the client id it names, or empty if refused. */
@FunctionalInterface
public interface ProducerLogins {

    Optional<String> check(String user, String password);
}
