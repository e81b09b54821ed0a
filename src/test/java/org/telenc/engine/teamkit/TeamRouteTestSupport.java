package org.telenc.engine.teamkit;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.telenc.engine.emr.rest.EmrRecords;
import org.telenc.engine.emr.rest.EmrRest;
import org.telenc.engine.emr.rest.EmrRestPages;
import org.telenc.engine.observability.EngineMeters;
import org.telenc.engine.observability.FlowMeters;
import org.telenc.engine.support.AdapterRouteTestSupport;

/**
 * What a test of a team's adapter file needs, Camel only (no engine, broker or database): the slim
 * context of {@link AdapterRouteTestSupport} (the call guard, redelivery and authorization, the
 * weaving of the file's camel-http step to a mock, and a call of an operation as the flows make it)
 * with the engine's generic adapter beans, emrRest and emrRecords, and flowMeters (an adapter times
 * its calls with it). A subclass names the files in
 * {@code camel.main.routes-include-pattern} and uses
 * {@code @CamelSpringBootTest @UseAdviceWith @SpringBootTest(classes = TeamRouteTestSupport.Beans.class)}.
 * The store of EMR credentials and the tenancy repository are the only stand-ins (no connection
 * in these tests has credentials).
 *
 * <p>Published for a team's own repository: {@code mvn install} installs this class and
 * {@link AdapterRouteTestSupport} as the engine's {@code team-kit} jar, next to the plain jar of the
 * engine's classes and route files ({@code classes}); there the engine's shared route files are
 * named {@code classpath:routes/...}. docs/examples/team-routes is such a repository, see
 * docs/route-authoring.md "Testing a team's routes".
 */
public abstract class TeamRouteTestSupport extends AdapterRouteTestSupport {

    @Configuration(proxyBeanMethods = false)
    @Import({AdapterRouteTestSupport.Beans.class, EmrRest.class, EmrRecords.class, EmrRestPages.class, FlowMeters.class, EngineMeters.class})
    public static class Beans {
    }
}
