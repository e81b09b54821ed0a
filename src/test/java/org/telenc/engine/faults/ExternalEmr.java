package org.telenc.engine.faults;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.telenc.engine.sandbox.fhir.SandboxFhirServer;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;

/**
 * The clinic's EMR as the engine under test sees it: the engine's own FHIR R4 sandbox (the same
 * {@link SandboxFhirServer} over a seeded {@link SandboxFhirStore}), but hosted in the fault suite's
 * JVM, in an embedded Tomcat on a free loopback port at {@value #BASE_PATH}. Living outside the
 * engine process is the point: it survives the engine being killed, its store is the ground truth
 * the suite counts Encounters and refills in, and an {@link EmrFaultSwitch} can make it fail.
 */
final class ExternalEmr implements AutoCloseable {

    static final String BASE_PATH = "/fhir/r4";

    private final SandboxFhirStore store = SandboxFhirStore.seeded();
    private final EmrFaultSwitch faultSwitch = new EmrFaultSwitch();
    private final Tomcat tomcat = new Tomcat();
    private final int port;

    ExternalEmr(Path workDir) throws LifecycleException {
        tomcat.setBaseDir(workDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", workDir.toString());
        // the same FhirContext the engine builds (FhirConfiguration): R4, cached, thread-safe
        Tomcat.addServlet(context, "fhir", new SandboxFhirServer(FhirContext.forR4Cached(), store)).setLoadOnStartup(1);
        context.addServletMappingDecoded(BASE_PATH + "/*", "fhir");
        FilterDef filter = new FilterDef();
        filter.setFilterName("faultSwitch");
        filter.setFilter(faultSwitch);
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("faultSwitch");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        tomcat.start();
        port = connector.getLocalPort();
    }

    /** The FHIR base URL to give the engine ({@code engine.demo.emr-base-url}). */
    String baseUrl() {
        return "http://127.0.0.1:" + port + BASE_PATH;
    }

    SandboxFhirStore store() {
        return store;
    }

    EmrFaultSwitch faultSwitch() {
        return faultSwitch;
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
