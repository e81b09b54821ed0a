package org.telenc.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.telenc.engine.support.EngineTest;

/**
 * The consumer sizing of application.yml holds together in the running engine: every consumer that
 * can call the EMR at once (encounter and action jobs, plus the reference sync) gets a pooled HTTP
 * connection to it without queueing (camel-http's pool is per route, i.e. per host and port), the
 * pool in all has room for that and for webhook receivers, and the database pool is the stated one.
 */
class ConsumerSizingTest extends EngineTest {

    @Autowired
    CamelContext camelContext;
    @Autowired
    DataSource dataSource;

    @Value("${engine.process.concurrency}")
    int processConcurrency;
    @Value("${engine.actions.concurrency}")
    int actionsConcurrency;
    @Value("${engine.webhook.concurrency}")
    int webhookConcurrency;
    @Value("${engine.webhook.retry-concurrency}")
    int webhookRetryConcurrency;

    @Test
    void everyEmrCallerGetsAConnectionWithoutWaiting() {
        HttpComponent http = camelContext.getComponent("http", HttpComponent.class);
        int emrCallers = processConcurrency + actionsConcurrency + 1;
        assertThat(processConcurrency).as("engine.process.concurrency, sized for a distant EMR").isEqualTo(32);
        assertThat(http.getConnectionsPerRoute()).as("connections per route (one EMR)").isGreaterThanOrEqualTo(emrCallers);
        assertThat(http.getMaxTotalConnections()).as("connections in all")
                .isGreaterThanOrEqualTo(http.getConnectionsPerRoute() + webhookConcurrency + webhookRetryConcurrency);
    }

    @Test
    void theDatabasePoolIsTheStatedOne() throws Exception {
        assertThat(dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(10);
    }
}
