package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTempQueue;
import org.apache.activemq.command.ActiveMQTempTopic;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.telenc.engine.broker.BrokerIdentity;
import org.telenc.engine.broker.TemporaryQueueOwners;
import org.telenc.engine.tenancy.QueueProducer;

/** The JMS-properties-to-intake-headers mapping of docs/api.md "Message-queue intake", without Camel. */
class QueueIntakeHeadersTest {

    final QueueIntake intake = new QueueIntake(new ObjectMapper(), BrokerIdentity.generated(), new TemporaryQueueOwners());

    Map<String, Object> jms(Object... pairs) {
        Map<String, Object> headers = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put((String) pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    @Test
    void keepsOnlyTheKeyAndNoCredential() {
        Map<String, Object> headers = jms("client_id", "c", "client_secret", "s", "access_token", "t",
                "Idempotency-Key", "k1", "JMSMessageID", "ID:1", "JMSReplyTo", new Object(), "patient_mrn", "100234");
        intake.useIntakeHeaders(headers);
        assertThat(headers).containsOnly(Map.entry("Idempotency-Key", "k1"));
    }

    @Test
    void theUnderscoreSpellingIsAcceptedAndTheHyphenWins() {
        Map<String, Object> underscore = jms("idempotency_key", "k2", "JMSMessageID", "ID:1");
        intake.useIntakeHeaders(underscore);
        assertThat(underscore).containsEntry("Idempotency-Key", "k2");
        Map<String, Object> both = jms("idempotency_key", "k2", "Idempotency-Key", "k3");
        intake.useIntakeHeaders(both);
        assertThat(both).containsEntry("Idempotency-Key", "k3");
    }

    @Test
    void withoutAKeyTheMessageIdIsTheKeySoARedeliveryReplays() {
        Map<String, Object> headers = jms("client_id", "c", "JMSMessageID", "ID:host-1-2:1:1:1:1");
        intake.useIntakeHeaders(headers);
        assertThat(headers).containsEntry("Idempotency-Key", "jms:ID:host-1-2:1:1:1:1");
        Map<String, Object> none = jms("client_id", "c");
        intake.useIntakeHeaders(none);
        assertThat(none).doesNotContainKey("Idempotency-Key");
    }

    @Test
    void correlationIdFallsBackToTheMessageId() {
        assertThat(intake.correlationId("corr", "ID:9")).isEqualTo("corr");
        assertThat(intake.correlationId(null, "ID:9")).isEqualTo("ID:9");
        assertThat(intake.correlationId("", "ID:9")).isEqualTo("ID:9");
    }

    @Test
    void errorCodeReadsTheErrorField() {
        assertThat(intake.errorCode("{\"success\":false,\"error\":\"invalid_access_token\"}")).isEqualTo("invalid_access_token");
        assertThat(intake.errorCode("not json")).isNull();
    }

    /**
     * With an external broker (no broker in this JVM records temporary queue owners, as here) a
     * temporary reply-to is never the producer's: the engine answers into none, and refuses the
     * message with invalid_reply_to; the producer's own named reply queue is still answered.
     */
    @Test
    void onAnExternalBrokerATemporaryReplyToIsRefusedAndTheNamedReplyQueueAnswered() throws Exception {
        ActiveMQTempQueue temporary = new ActiveMQTempQueue("ID:producer-host-1-2:1:1");
        assertThat(intake.replyTo(temporary, "clinic-a-scheduler")).isNull();
        assertThat(intake.replyTo(new ActiveMQTempTopic("ID:producer-host-1-2:1:2"), "clinic-a-scheduler")).isNull();
        ActiveMQQueue own = new ActiveMQQueue("telephone-encounters.submit.replies.clinic-a-scheduler");
        assertThat(intake.replyTo(own, "clinic-a-scheduler")).isEqualTo(own);
        assertThat(intake.replyTo(new ActiveMQQueue("telephone-encounters.submit.replies.clinic-b-scheduler"), "clinic-a-scheduler"))
                .isNull();

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeader("JMSXUserID", "clinic-a-scheduler");
            exchange.getIn().setHeader("JMSReplyTo", temporary);
            QueueProducer refused = intake.producer(exchange);
            assertThat(refused.clientId()).isEqualTo("clinic-a-scheduler");
            assertThat(refused.refusal()).isNotNull();
            assertThat(refused.refusal().status()).isEqualTo(400);
            assertThat(refused.refusal().code()).isEqualTo("invalid_reply_to");
            assertThat(refused.refusal().getMessage()).isEqualTo("The reply destination must be "
                    + "telephone-encounters.submit.replies.<client_id> or, on the engine's embedded broker, a temporary queue of the producer's connection.");

            exchange.getIn().setHeader("JMSReplyTo", own);
            assertThat(intake.producer(exchange).refusal()).isNull();
        }
    }
}
