package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A FHIR R4 server that is not the engine's sandbox: a HAPI plain RestfulServer in its own Tomcat,
 * serving only the resource types a test chooses, so its CapabilityStatement (GET /metadata, which
 * HAPI builds from the registered providers) lacks the rest.
 */
public final class LimitedFhirServer implements AutoCloseable {

    private final Tomcat tomcat = new Tomcat();
    private final int port;

    /** @param patients serve Patient (with search by identifier); @param encounters serve Encounter (with create) */
    public LimitedFhirServer(boolean patients, boolean encounters) throws Exception {
        this(patients, encounters, 0);
    }

    /** @param maximumPageSize when above 0, no search page holds more, whatever {@code _count} asks */
    public LimitedFhirServer(boolean patients, boolean encounters, int maximumPageSize) throws Exception {
        SandboxFhirStore store = SandboxFhirStore.seeded();
        List<IResourceProvider> providers = new ArrayList<>(List.of(new PractitionerProvider(store), new LocationProvider(store),
                new OrganizationProvider(store), new MedicationRequestProvider(store, 0), new MedicationProvider(store)));
        if (patients) {
            providers.add(new PatientProvider(store, new SandboxFeatures(true, true), 0));
        }
        if (encounters) {
            providers.add(new EncounterProvider(store));
            providers.add(new CommunicationProvider(store));
            providers.add(new TaskProvider(store));
        }
        RestfulServer server = new RestfulServer(FhirContext.forR4Cached());
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setServerAddressStrategy(new IncomingRequestAddressStrategy());
        server.registerProviders(providers);
        server.setBundleInclusionRule(ca.uhn.fhir.context.api.BundleInclusionRule.BASED_ON_RESOURCE_PRESENCE);
        if (maximumPageSize > 0) {
            var paging = new ca.uhn.fhir.rest.server.FifoMemoryPagingProvider(100);
            paging.setDefaultPageSize(maximumPageSize);
            paging.setMaximumPageSize(maximumPageSize);
            server.setPagingProvider(paging);
        }
        var dir = Files.createTempDirectory("limited-fhir");
        tomcat.setBaseDir(dir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", dir.toString());
        Tomcat.addServlet(context, "fhir", server).setLoadOnStartup(1);
        context.addServletMappingDecoded("/fhir/*", "fhir");
        tomcat.start();
        port = connector.getLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }
}
