package org.telenc.engine.emr;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.auth.EmrTlsSettings;

/**
 * An EMR connection as adapters use it: its type (which names the adapter routes), the resolved
 * base URL, the adapter settings, how calls authenticate, its TLS (a client certificate, CA
 * certificates of its own: {@link EmrTlsSettings}), and its status ({@code active}, or
 * {@code expired} once the EMR keeps refusing the engine's credentials). {@code options} is the
 * connection's whole settings JSON as plain values (maps, lists, strings, numbers, booleans): what an
 * adapter or a team route written in YAML reads, e.g. {@code ${exchangeProperty.emrConnection.options[practice_id]}}.
 */
public record EmrConnection(String id, String emrType, String baseUrl, FhirSettings settings,
        EmrAuthSettings auth, String status, Map<String, Object> options, EmrTlsSettings tls) {

    public static final String EXPIRED = "expired";

    public EmrConnection {
        options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
        tls = tls == null ? EmrTlsSettings.none() : tls;
    }

    /** A connection with the JVM's default TLS: no client certificate, no CA certificates of its own. */
    public EmrConnection(String id, String emrType, String baseUrl, FhirSettings settings, EmrAuthSettings auth, String status,
            Map<String, Object> options) {
        this(id, emrType, baseUrl, settings, auth, status, options, EmrTlsSettings.none());
    }

    /** A connection whose settings hold only the FHIR adapter's keys. */
    public EmrConnection(String id, String emrType, String baseUrl, FhirSettings settings, EmrAuthSettings auth, String status) {
        this(id, emrType, baseUrl, settings, auth, status, Map.of());
    }

    public boolean isExpired() {
        return EXPIRED.equals(status);
    }

    /**
     * FHIR adapter settings. Defaults fit the embedded sandbox; a clinic's connection overrides
     * them in its settings JSON. {@code timezone} is the clinic's time zone (settings key
     * {@code timezone}, an IANA id; default UTC): the time stamps of note lines are written in it.
     */
    public record FhirSettings(String mrnSystem, String jobIdentifierSystem, String pharmacyExtensionUrl,
            String pharmacyTypeSystem, String pharmacyTypeCode, String templateExtensionUrl, String npiSystem,
            ZoneId timezone, int callsPerMinute, String refillStatus, String refillIntent, String pharmacyList,
            Map<String, String> templateCodes, String pharmacyListCode, String practitionerIdSystem,
            String locationIdSystem, String pharmacyIdSystem) {

        /** {@code pharmacy_list}: the patient's pharmacies live in a Patient extension, a List resource, or nowhere. */
        public static final String PHARMACY_LIST_EXTENSION = "extension";
        public static final String PHARMACY_LIST_RESOURCE = "list";
        public static final String PHARMACY_LIST_NONE = "none";
        public static final String DEFAULT_PHARMACY_LIST_CODE = "http://telenc.org/fhir/CodeSystem/list-kind|preferred-pharmacies";

        public FhirSettings {
            templateCodes = templateCodes == null ? Map.of() : Map.copyOf(templateCodes);
        }

        /** Settings as they were before the rate limit, refill and template keys: those take their defaults. */
        public FhirSettings(String mrnSystem, String jobIdentifierSystem, String pharmacyExtensionUrl, String pharmacyTypeSystem,
                String pharmacyTypeCode, String templateExtensionUrl, String npiSystem, ZoneId timezone) {
            this(mrnSystem, jobIdentifierSystem, pharmacyExtensionUrl, pharmacyTypeSystem, pharmacyTypeCode, templateExtensionUrl,
                    npiSystem, timezone, 0, "draft", "proposal", PHARMACY_LIST_EXTENSION, Map.of(),
                    DEFAULT_PHARMACY_LIST_CODE, "", "", "");
        }

        public static FhirSettings defaults() {
            return new FhirSettings("urn:telenc:sandbox:mrn", "urn:telenc:telephone-encounter",
                    "http://telenc.org/fhir/StructureDefinition/preferred-pharmacy",
                    "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "PHARM",
                    "http://telenc.org/fhir/StructureDefinition/encounter-template",
                    "http://hl7.org/fhir/sid/us-npi", ZoneId.of("UTC"));
        }

        /**
         * The reference to a practitioner, location or pharmacy by its ehr id: a literal
         * {@code Type/id} when the EMR's ehr ids are FHIR logical ids (no id system set), else a
         * logical reference by identifier ({@code Reference.identifier} with that system).
         */
        public Reference reference(String type, String ehrId, String display) {
            String system = switch (type) {
                case "Practitioner" -> practitionerIdSystem;
                case "Location" -> locationIdSystem;
                case "Organization" -> pharmacyIdSystem;
                default -> "";
            };
            Reference reference = system == null || system.isBlank()
                    ? new Reference(type + "/" + ehrId)
                    : new Reference().setType(type)
                            .setIdentifier(new Identifier().setSystem(system).setValue(ehrId));
            return display == null ? reference : reference.setDisplay(display);
        }

        /** Whether a reference points at this ehr id, either way {@link #reference} may have written it. */
        public boolean refersTo(Reference reference, String type, String ehrId) {
            Reference expected = reference(type, ehrId, null);
            if (expected.hasIdentifier()) {
                return reference.hasIdentifier() && expected.getIdentifier().getSystem().equals(reference.getIdentifier().getSystem())
                        && ehrId.equals(reference.getIdentifier().getValue());
            }
            return expected.getReference().equals(reference.getReference());
        }

        /** The ehr id a synced resource is known by: its identifier in the id system when one is set, else its logical id. */
        public String ehrId(String type, Resource resource, List<Identifier> identifiers) {
            String system = reference(type, "x", null).hasIdentifier() ? reference(type, "x", null).getIdentifier().getSystem() : null;
            if (system != null) {
                for (Identifier identifier : identifiers) {
                    if (system.equals(identifier.getSystem()) && identifier.hasValue()) {
                        return identifier.getValue();
                    }
                }
            }
            return resource.getIdElement().getIdPart();
        }

        /** What the encounter's template extension carries for a template name: its mapped code, else the name. */
        public String templateCode(String templateName) {
            return templateCodes.getOrDefault(templateName, templateName);
        }
    }
}
