package org.telenc.engine.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.ConnectionContext;
import org.apache.activemq.broker.ProducerBrokerExchange;
import org.apache.activemq.broker.region.Subscription;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQTempDestination;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.DestinationInfo;
import org.apache.activemq.command.Message;
import org.apache.activemq.security.AbstractAuthenticationBroker;
import org.apache.activemq.security.AuthorizationBroker;
import org.apache.activemq.security.AuthorizationMap;
import org.apache.activemq.security.SecurityContext;

/**
 * Who may connect to the embedded broker and what each may touch. Every connection, on every
 * transport (OpenWire, STOMP, AMQP 1.0, vm://), logs in: the engine with its per-start
 * {@link BrokerIdentity}, a producer as its client ({@code client_id} / {@code client_secret},
 * checked by {@link ProducerLogins}). Anonymous and unknown logins are refused.
 *
 * <p>A producer may write {@value #SUBMIT}, read (and create) its own
 * {@value #REPLIES_PREFIX}{@code <client_id>} and {@value #REJECTED_PREFIX}{@code <client_id>},
 * create and read its temporary queues, and read the advisory topics its client library asks for.
 * Everything else (the submit queue's messages, the internal queues, the DLQs, the scheduler, other
 * clients' queues, wildcards) is the engine's alone. A producer cannot remove a destination
 * (ActiveMQ 6.1 lets any user remove an existing one), nor read or write a temporary queue but its
 * own connection's (ActiveMQ alone lets any connection consume one whose name it knows); the engine writes to a temporary queue only with {@value #REPLY_FOR} naming the client
 * whose connection owns it.
 *
 * <p>Credential properties ({@code client_secret}, {@code access_token}, any spelling) are removed
 * from a producer's message before it is stored, and the message is marked
 * {@value #CREDENTIALS_IN_MESSAGE}: the intake refuses it, and no secret rests in the journal.
 */
public final class BrokerSecurity implements BrokerPlugin {

    public static final String SUBMIT = "telephone-encounters.submit";
    public static final String REJECTED_PREFIX = SUBMIT + ".rejected.";
    public static final String REPLIES_PREFIX = SUBMIT + ".replies.";
    public static final String CREDENTIALS_IN_MESSAGE = "credentials_in_message";
    /** On the engine's reply to a temporary queue: the client whose connection must own that queue. */
    public static final String REPLY_FOR = "reply_for_client";

    /** The engine (every destination) and every producer (what producers share). */
    public record Role(String name) implements Principal {
        static final Role ENGINE = new Role("engine");
        static final Role PRODUCERS = new Role("producers");

        @Override
        public String getName() {
            return name;
        }
    }

    /** One producer, by client id: its own reply and rejection queues. */
    public record Producer(String clientId) implements Principal {
        @Override
        public String getName() {
            return clientId;
        }
    }

    private final BrokerIdentity engine;
    private final ProducerLogins logins;
    /** connection id -> the user who opened it (for temporary queue ownership). */
    private final TemporaryQueueOwners connectionUsers;

    public BrokerSecurity(BrokerIdentity engine, ProducerLogins logins, TemporaryQueueOwners connectionUsers) {
        this.engine = engine;
        this.logins = logins;
        this.connectionUsers = connectionUsers;
    }

    @Override
    public Broker installPlugin(Broker broker) {
        connectionUsers.startTracking();
        return new AuthorizationBroker(new Authentication(broker), new Acl());
    }

    static boolean isCredential(String propertyName) {
        String name = propertyName.toLowerCase(Locale.ROOT).replace("_hyphen_", "").replaceAll("[^a-z0-9]", "");
        return name.equals("clientsecret") || name.equals("accesstoken");
    }

    private static SecurityContext context(String user, Set<Principal> principals) {
        return new SecurityContext(user) {
            @Override
            public Set<Principal> getPrincipals() {
                return principals;
            }
        };
    }

    private static boolean isEngine(ConnectionContext context) {
        SecurityContext security = context.getSecurityContext();
        return security != null && (security.isBrokerContext() || security.getPrincipals().contains(Role.ENGINE));
    }

    /** Logins, credential stripping, and what authorization maps cannot say. */
    private final class Authentication extends AbstractAuthenticationBroker {

        Authentication(Broker next) {
            super(next);
        }

        @Override
        public void addConnection(ConnectionContext context, ConnectionInfo info) throws Exception {
            SecurityContext security = context.getSecurityContext();
            if (security == null) {
                security = authenticate(info.getUserName(), info.getPassword(), null);
                context.setSecurityContext(security);
                securityContexts.add(security);
            }
            try {
                super.addConnection(context, info);
                connectionUsers.opened(info.getConnectionId().getValue(), security.getUserName());
            } catch (Exception e) {
                securityContexts.remove(security);
                context.setSecurityContext(null);
                throw e;
            }
        }

        @Override
        public void removeConnection(ConnectionContext context, ConnectionInfo info, Throwable error) throws Exception {
            connectionUsers.closed(info.getConnectionId().getValue());
            super.removeConnection(context, info, error);
        }

        @Override
        public SecurityContext authenticate(String user, String password, X509Certificate[] certificates) {
            if (user != null && password != null && user.equals(engine.user()) && MessageDigest.isEqual(
                    password.getBytes(StandardCharsets.UTF_8), engine.password().getBytes(StandardCharsets.UTF_8))) {
                return context(user, Set.of(Role.ENGINE));
            }
            String clientId = logins.check(user, password)
                    .orElseThrow(() -> new SecurityException("User name or password is invalid."));
            return context(clientId, Set.of(Role.PRODUCERS, new Producer(clientId)));
        }

        @Override
        public void send(ProducerBrokerExchange exchange, Message message) throws Exception {
            ConnectionContext context = exchange.getConnectionContext();
            if (!isEngine(context)) {
                removeCredentials(message);
                if (message.getDestination() != null && message.getDestination().isTemporary()) {
                    checkOwnTemporary(context, message.getDestination(), "write to");
                }
            } else if (message.getDestination() != null && message.getDestination().isTemporary()) {
                checkReplyOwner(message);
            }
            super.send(exchange, message);
        }

        private void removeCredentials(Message message) throws IOException {
            List<String> credentials = new ArrayList<>();
            for (String name : message.getProperties().keySet()) {
                if (isCredential(name)) {
                    credentials.add(name);
                }
            }
            if (!credentials.isEmpty()) {
                for (String name : credentials) {
                    message.removeProperty(name);
                }
                message.setProperty(CREDENTIALS_IN_MESSAGE, Boolean.TRUE);
                message.setMarshalledProperties(null); // marshalled again from the map, without them
            }
        }

        private void checkReplyOwner(Message message) throws IOException {
            ActiveMQDestination destination = message.getDestination();
            Object client = message.getProperty(REPLY_FOR);
            String owner = connectionUsers.ownerOf(destination).orElse(null);
            if (client == null || owner == null || !owner.equals(client.toString())) {
                throw new SecurityException("Temporary destination " + destination + " is not the named client's.");
            }
        }

        /** A producer consumes (or browses) a temporary destination only on the connection that created it. */
        @Override
        public Subscription addConsumer(ConnectionContext context, ConsumerInfo info) throws Exception {
            ActiveMQDestination destination = info.getDestination();
            if (!isEngine(context) && destination != null && (destination.isTemporary() || destination.isComposite())) {
                for (ActiveMQDestination each : destination.isComposite() ? destination.getCompositeDestinations()
                        : new ActiveMQDestination[] {destination}) {
                    if (each.isTemporary()) {
                        checkOwnTemporary(context, each, "read");
                    }
                }
            }
            return super.addConsumer(context, info);
        }

        @Override
        public void removeDestination(ConnectionContext context, ActiveMQDestination destination, long timeout) throws Exception {
            checkRemove(context, destination);
            super.removeDestination(context, destination, timeout);
        }

        @Override
        public void removeDestinationInfo(ConnectionContext context, DestinationInfo info) throws Exception {
            checkRemove(context, info.getDestination());
            super.removeDestinationInfo(context, info);
        }

        /** A producer removes only its own connection's temporary destinations. */
        private void checkRemove(ConnectionContext context, ActiveMQDestination destination) {
            if (isEngine(context)) {
                return;
            }
            checkOwnTemporary(context, destination, "remove");
        }

        private void checkOwnTemporary(ConnectionContext context, ActiveMQDestination destination, String what) {
            boolean own = destination instanceof ActiveMQTempDestination temp && !destination.isComposite()
                    && context.getConnectionId() != null
                    && context.getConnectionId().getValue().equals(temp.getConnectionId());
            if (!own) {
                throw new SecurityException("User " + context.getUserName() + " is not authorized to " + what + ": " + destination);
            }
        }
    }

    /** Destination rights: the engine everywhere, producers where the class comment says. */
    private static final class Acl implements AuthorizationMap {

        private enum Op { READ, WRITE, ADMIN }

        private static final Set<Principal> TEMP_USE = Set.of(Role.ENGINE, Role.PRODUCERS);
        private static final Set<Principal> ENGINE_ONLY = Set.of(Role.ENGINE);

        @Override
        public Set<?> getTempDestinationAdminACLs() {
            return TEMP_USE;
        }

        @Override
        public Set<?> getTempDestinationReadACLs() {
            return TEMP_USE;
        }

        /** AMQP clients open a sending link to create one; only the owner's own sends pass (see send). */
        @Override
        public Set<?> getTempDestinationWriteACLs() {
            return TEMP_USE;
        }

        @Override
        public Set<?> getAdminACLs(ActiveMQDestination destination) {
            return acl(destination, Op.ADMIN);
        }

        @Override
        public Set<?> getReadACLs(ActiveMQDestination destination) {
            return acl(destination, Op.READ);
        }

        @Override
        public Set<?> getWriteACLs(ActiveMQDestination destination) {
            return acl(destination, Op.WRITE);
        }

        /** Never null (null would mean anyone): a composite destination needs every part's right. */
        private static Set<Principal> acl(ActiveMQDestination destination, Op op) {
            if (destination.isComposite()) {
                Set<Principal> common = null;
                for (ActiveMQDestination part : destination.getCompositeDestinations()) {
                    Set<Principal> allowed = acl(part, op);
                    if (common == null) {
                        common = new HashSet<>(allowed);
                    } else {
                        common.retainAll(allowed);
                    }
                }
                return common == null ? ENGINE_ONLY : common;
            }
            Set<Principal> allowed = new HashSet<>(ENGINE_ONLY);
            if (destination.isPattern() || destination.isTemporary()) {
                return allowed;
            }
            String name = destination.getPhysicalName();
            if (destination.isQueue()) {
                if (name.equals(SUBMIT) && op != Op.READ) {
                    allowed.add(Role.PRODUCERS);
                }
                for (String prefix : List.of(REPLIES_PREFIX, REJECTED_PREFIX)) {
                    if (name.startsWith(prefix) && name.length() > prefix.length() && op != Op.WRITE) {
                        allowed.add(new Producer(name.substring(prefix.length())));
                    }
                }
            } else if (destination.isTopic() && name.startsWith("ActiveMQ.Advisory.") && op != Op.WRITE) {
                // client libraries watch these (the embedded broker publishes none)
                allowed.add(Role.PRODUCERS);
            }
            return allowed;
        }
    }
}
