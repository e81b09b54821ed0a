package org.telenc.engine.broker;

import java.net.URI;
import java.nio.file.Path;
import org.apache.activemq.broker.BrokerFactory;
import org.apache.activemq.broker.BrokerService;

/**
 * The production broker process of {@link ProdBrokerProcess}: arg the xbean file. Runs until killed.
 * It runs on the production broker's own jars alone (target/prod-broker-lib/&lt;image tag&gt;), so it
 * names nothing but ActiveMQ and the JDK.
 */
public final class ProdBrokerMain {

    private ProdBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        // file:/path, not file:///path: ActiveMQ 6.3 loads xbean files by the protocols it allows
        // (file and classpath by default), and file:// reads as a remote file
        BrokerService service = BrokerFactory.createBroker(URI.create("xbean:file:" + Path.of(args[0]).toAbsolutePath()), true);
        service.waitUntilStopped();
    }
}
