package org.telenc.engine.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.EmrPermanentException;

/** When a job that threw is given up (ended internal_error) rather than redelivered, without Camel. */
class JobFaultsDecisionTest {

    static JobFaults faults(int maximumRedeliveries) {
        var redelivery = new EngineProperties.Broker.Redelivery(maximumRedeliveries, Duration.ofSeconds(1),
                Duration.ofSeconds(60));
        var broker = new EngineProperties.Broker(true, "", "", "", "vm://engine", null, null, null, null, null, null, redelivery);
        return new JobFaults(new JobQueue(new ObjectMapper(), null, null), new EngineProperties("./data", broker, null, null, null, null));
    }

    /** Faults that may clear: redelivered while the broker still redelivers, given up on the last delivery only. */
    @Test
    void aFaultThatMayClearIsGivenUpOnlyOnTheLastDelivery() {
        List<Exception> mayClear = List.of(new IllegalStateException("bug"), new NullPointerException(),
                new DataAccessResourceFailureException("database down"), new IOException("disk"),
                new RuntimeCamelException(new IllegalArgumentException()), new EmrPermanentException("emr_rejected", 400, "create-encounter 400"));
        for (int maximum = 0; maximum <= 12; maximum++) {
            JobFaults faults = faults(maximum);
            for (Exception failure : mayClear) {
                // the first delivery has no JMSXDeliveryCount; deliveries 1..maximum+1 in all
                assertThat(faults.givesUp(failure, null)).as("%s max %d first", failure, maximum).isEqualTo(maximum == 0);
                for (int delivery = 1; delivery <= maximum + 1; delivery++) {
                    assertThat(faults.givesUp(failure, delivery)).as("%s max %d delivery %d", failure, maximum, delivery)
                            .isEqualTo(delivery == maximum + 1);
                }
            }
        }
    }

    /** Redelivering for ever (ActiveMQ's -1) would leave a job that always throws without its webhook. */
    @Test
    void anUnlimitedRedeliveryIsRefusedAtStartUp() {
        assertThatThrownBy(() -> faults(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("engine.broker.redelivery.maximum-redeliveries");
    }

    /** A message or payload that is not JSON fails the same way every time: given up at once. */
    @Test
    void unreadableJsonIsGivenUpAtOnce() {
        JobFaults faults = faults(10);
        Exception parse = new JsonParseException(null, "Unrecognized token");
        assertThat(faults.givesUp(parse, null)).isTrue();
        assertThat(faults.givesUp(new RuntimeCamelException(parse), 1)).isTrue();
    }
}
