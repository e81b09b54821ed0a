package org.telenc.engine.emr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnection.FhirSettings;
import org.telenc.engine.emr.EmrNotFoundException;
import org.telenc.engine.emr.EmrOperations;
import org.telenc.engine.emr.EmrOperations.AddEncounterDetails;
import org.telenc.engine.emr.EmrOperations.AddEncounterNote;
import org.telenc.engine.emr.EmrOperations.AddRefill;
import org.telenc.engine.emr.EmrOperations.CreateEncounter;
import org.telenc.engine.emr.EmrOperations.EnsurePatientPharmacy;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.ListRefillableMedications;
import org.telenc.engine.emr.EmrOperations.ReadEncounter;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * Builds the FHIR R4 calls of the adapter (docs/design.md "HL7 FHIR R4"). Every created resource carries
 * a job-scoped identifier and is sent as a conditional create ({@code If-None-Exist}), so a
 * redelivered job finds what it already wrote instead of writing it twice.
 */
@Component("fhirRequests")
public class FhirRequests {

    static final String SNOMED = "http://snomed.info/sct";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority";
    static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    /** The MedicationRequest search parameter that brings each order's Medication with it (searchInclude). */
    public static final String INCLUDE_MEDICATION = "MedicationRequest:medication";
    /** The operation (metrics label) of the patient search that brings its orders, and of its next pages. */
    public static final String SEARCH_PATIENT_WITH_ORDERS = "search-patient-with-orders";
    /** The operations (metrics and log label) of add-encounter-details' two calls. */
    public static final String ADD_COMMUNICATION = "add-communication";
    public static final String ADD_TASK = "add-task";
    /** Active orders per page of that search: a patient with more costs one call more per page. */
    static final int ORDERS_PER_PAGE = 100;

    private final FhirContext fhir;

    public FhirRequests(FhirContext fhir) {
        this.fhir = fhir;
    }

    public FhirCall findPatient(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Body FindPatient input) {
        FhirSettings s = connection.settings();
        if (input.withOrders()) {
            return patientWithOrders(connection, input);
        }
        return FhirCall.get("find-patient", connection.baseUrl() + "/Patient?identifier="
                + token(s.mrnSystem(), input.mrn()) + "&_count=2");
    }

    /**
     * One batch of two searches: the patients with the MRN, and only what matching needs of their
     * orders (active, intent order, with their medications), paged by order. A patient's other
     * orders (ended ones, the engine's own refill proposals) are never asked for, so a server's cap
     * on included resources per page cannot cut the active ones off.
     */
    FhirCall patientWithOrders(EmrConnection connection, FindPatient input) {
        String mrn = token(connection.settings().mrnSystem(), input.mrn());
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?identifier=" + mrn + "&_count=2");
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("MedicationRequest?patient.identifier=" + mrn
                + "&status=active&intent=order&_include=" + enc(INCLUDE_MEDICATION) + "&_count=" + ORDERS_PER_PAGE);
        return new FhirCall(SEARCH_PATIENT_WITH_ORDERS, "POST", connection.baseUrl(),
                fhir.newJsonParser().encodeResourceToString(batch), null, null);
    }

    public FhirCall refillableMedications(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Body ListRefillableMedications input) {
        return FhirCall.get("list-refillable-medications", connection.baseUrl()
                + "/MedicationRequest?patient=" + enc("Patient/" + input.patientId())
                + "&intent=order&status=active&_include=" + enc(INCLUDE_MEDICATION) + "&_count=" + ORDERS_PER_PAGE);
    }

    public FhirCall createEncounter(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Body CreateEncounter input) {
        return create(connection, input.jobKey(), "create-encounter", "Encounter", encounter(connection, input), "");
    }

    /** The telephone encounter, with its job-scoped identifier. */
    Encounter encounter(EmrConnection connection, CreateEncounter input) {
        FhirSettings s = connection.settings();
        Encounter encounter = new Encounter();
        encounter.addIdentifier(jobIdentifier(connection, input.jobKey(), ""));
        encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
        encounter.setClass_(new Coding(ACT_CODE, "VR", "virtual"));
        encounter.addType(new CodeableConcept(new Coding(SNOMED, "185317003", "Telephone encounter")));
        encounter.setPriority(new CodeableConcept(input.highPriority()
                ? new Coding(ACT_PRIORITY, "UR", "urgent") : new Coding(ACT_PRIORITY, "R", "routine")));
        encounter.setSubject(new Reference("Patient/" + input.patientId()));
        encounter.addParticipant()
                .addType(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "PPRF", "primary performer")))
                .setIndividual(s.reference("Practitioner", input.provider().ehrId(), input.provider().name()));
        encounter.addLocation().setLocation(s.reference("Location", input.location().ehrId(), input.location().name()));
        if (input.reason() != null) {
            encounter.addReasonCode().setText(input.reason());
        }
        if (input.templateName() != null) {
            encounter.addExtension(new Extension(s.templateExtensionUrl(), new StringType(s.templateCode(input.templateName()))));
        }
        return encounter;
    }

    /** The caller and message, as a Communication about the encounter; null when neither was sent. */
    public FhirCall createCommunication(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(ExchangeProperties.FHIR_INPUT) AddEncounterDetails input) {
        Communication communication = communication(connection, input, new Reference("Encounter/" + input.encounterId()));
        return communication == null ? null
                : create(connection, input.jobKey(), ADD_COMMUNICATION, "Communication", communication, ":communication");
    }

    /** The call as a Communication about the encounter; null when neither caller nor message was sent. */
    Communication communication(EmrConnection connection, AddEncounterDetails input, Reference encounter) {
        if (input.caller() == null && input.message() == null) {
            return null;
        }
        Communication communication = new Communication();
        communication.addIdentifier(jobIdentifier(connection, input.jobKey(), ":communication"));
        communication.setStatus(Communication.CommunicationStatus.COMPLETED);
        communication.addMedium(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", "PHONE", "telephone")));
        communication.setSubject(new Reference("Patient/" + input.patientId()));
        communication.setEncounter(encounter);
        if (input.caller() != null) {
            communication.setSender(new Reference().setDisplay(input.caller()));
        }
        if (input.message() != null) {
            communication.addPayload().setContent(new StringType(input.message()));
        }
        return communication;
    }

    /** The assignee, as the owner of a Task on the encounter. */
    public FhirCall createTask(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(ExchangeProperties.FHIR_INPUT) AddEncounterDetails input) {
        return create(connection, input.jobKey(), ADD_TASK, "Task",
                task(connection, input, new Reference("Encounter/" + input.encounterId())), ":task");
    }

    /** The assignee's follow-up Task on the encounter. */
    Task task(EmrConnection connection, AddEncounterDetails input, Reference encounter) {
        Task task = new Task();
        task.addIdentifier(jobIdentifier(connection, input.jobKey(), ":task"));
        task.setStatus(Task.TaskStatus.REQUESTED);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(input.highPriority() ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
        task.setCode(new CodeableConcept().setText("Telephone encounter follow-up"));
        task.setFocus(encounter.copy());
        task.setEncounter(encounter.copy());
        task.setFor(new Reference("Patient/" + input.patientId()));
        task.setOwner(connection.settings().reference("Practitioner", input.assignee().ehrId(), input.assignee().name()));
        return task;
    }

    /** The refill request: a proposal based on the matched order, for the given pharmacy. */
    public FhirCall addRefill(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, @Body AddRefill input) {
        return create(connection, input.jobKey(), "add-refill", "MedicationRequest",
                refill(connection, input, new Reference("Encounter/" + input.encounterId())), ":refill");
    }

    /** The refill request on the encounter. */
    MedicationRequest refill(EmrConnection connection, AddRefill input, Reference encounter) {
        RefillableMedication matched = input.medication();
        MedicationRequest refill = new MedicationRequest();
        refill.addIdentifier(jobIdentifier(connection, input.jobKey(), ":refill"));
        EmrConnection.FhirSettings settings = connection.settings();
        refill.setStatus(MedicationRequest.MedicationRequestStatus.fromCode(settings.refillStatus()));
        refill.setIntent(MedicationRequest.MedicationRequestIntent.fromCode(settings.refillIntent()));
        refill.setMedication(new CodeableConcept().setText(matched.name()));
        refill.setSubject(new Reference("Patient/" + input.patientId()));
        refill.setEncounter(encounter);
        refill.addBasedOn(new Reference("MedicationRequest/" + matched.orderId()));
        refill.setPriorPrescription(new Reference("MedicationRequest/" + matched.orderId()));
        refill.setRequester(settings.reference("Practitioner", input.providerId(), null));
        if (input.pharmacy() != null) {
            refill.getDispenseRequest().setPerformer(settings.reference("Organization", input.pharmacy().ehrId(),
                    input.pharmacy().name()));
        }
        return refill;
    }

    /** Reads where the patient's pharmacies are kept: the Patient (extension) or its List. */
    public FhirCall readPharmacyList(EmrConnection connection, EnsurePatientPharmacy input) {
        FhirSettings s = connection.settings();
        if (FhirSettings.PHARMACY_LIST_NONE.equals(s.pharmacyList())) {
            throw new EmrPermanentException("emr_rejected", 0,
                    "EMR call ensure-patient-pharmacy: this connection keeps no patient pharmacy list");
        }
        if (FhirSettings.PHARMACY_LIST_RESOURCE.equals(s.pharmacyList())) {
            String[] code = listCode(s);
            return FhirCall.get("ensure-patient-pharmacy", connection.baseUrl() + "/List?subject="
                    + enc("Patient/" + input.patientId()) + "&code=" + token(code[0], code[1]) + "&_count=10");
        }
        return FhirCall.get("ensure-patient-pharmacy", connection.baseUrl() + "/Patient/" + enc(input.patientId()));
    }

    /**
     * Whether what was read (a Patient, a List, or a List search Bundle) holds the wanted pharmacy:
     * the Patient's pharmacy extension, or an entry of the List, refers to it.
     */
    public boolean holdsPharmacy(EmrConnection connection, EnsurePatientPharmacy input, IBaseResource read) {
        FhirSettings settings = connection.settings();
        String pharmacy = input.pharmacy().ehrId();
        if (read instanceof Patient patient) {
            return patient.getExtensionsByUrl(settings.pharmacyExtensionUrl()).stream()
                    .anyMatch(e -> e.getValue() instanceof Reference r && settings.refersTo(r, "Organization", pharmacy));
        }
        ListResource list = read instanceof Bundle found ? firstList(found) : read instanceof ListResource l ? l : null;
        return list != null && list.getEntry().stream().anyMatch(e -> settings.refersTo(e.getItem(), "Organization", pharmacy));
    }

    /**
     * The write that adds the pharmacy where the patient's list is kept, guarded by the version read
     * ({@code etag}, the read's ETag header, else {@code meta.versionId}). In: the Patient (extension
     * mode), the List search Bundle or the List (list mode); no List yet: its conditional create.
     */
    public FhirCall addToPharmacyList(EmrConnection connection, EnsurePatientPharmacy input, IBaseResource read, String etag) {
        FhirSettings settings = connection.settings();
        Reference wanted = settings.reference("Organization", input.pharmacy().ehrId(), input.pharmacy().name());
        if (read instanceof Patient patient) {
            return addPatientPharmacy(connection, input, patient, wanted, etag);
        }
        ListResource list = read instanceof Bundle found ? firstList(found) : (ListResource) read;
        if (list == null) {
            FhirSettings s = connection.settings();
            String[] code = listCode(s);
            ListResource created = new ListResource();
            Identifier id = new Identifier().setSystem(s.jobIdentifierSystem() + ":pharmacy-list").setValue(input.patientId());
            created.addIdentifier(id);
            created.setStatus(ListResource.ListStatus.CURRENT);
            created.setMode(ListResource.ListMode.WORKING);
            created.setCode(new CodeableConcept().addCoding(new Coding(code[0], code[1], null)));
            created.setSubject(new Reference("Patient/" + input.patientId()));
            created.addEntry().setItem(wanted);
            return new FhirCall("ensure-patient-pharmacy", "POST", connection.baseUrl() + "/List",
                    fhir.newJsonParser().encodeResourceToString(created), "identifier=" + token(id.getSystem(), id.getValue()), null);
        }
        list.addEntry().setItem(wanted);
        return new FhirCall("ensure-patient-pharmacy", "PUT", connection.baseUrl() + "/List/" + enc(list.getIdPart()),
                fhir.newJsonParser().encodeResourceToString(list), null, ifMatch(etag, list));
    }

    static ListResource firstList(Bundle found) {
        return found.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(ListResource.class::isInstance).map(ListResource.class::cast).findFirst().orElse(null);
    }

    /** The version a guarded write names: the read's ETag, else {@code W/"meta.versionId"}; null when neither is known. */
    static String ifMatch(String etag, Resource read) {
        if (etag != null && !etag.isBlank()) {
            return etag.trim();
        }
        String version = read.getMeta().getVersionId();
        return version == null ? null : "W/\"" + version + "\"";
    }

    private FhirCall addPatientPharmacy(EmrConnection connection, EnsurePatientPharmacy input, Patient patient, Reference wanted,
            String etag) {
        FhirSettings settings = connection.settings();
        patient.addExtension(new Extension(settings.pharmacyExtensionUrl(), wanted.copy().setDisplay(null)));
        return new FhirCall("ensure-patient-pharmacy", "PUT",
                connection.baseUrl() + "/Patient/" + enc(input.patientId()),
                fhir.newJsonParser().encodeResourceToString(patient), null, ifMatch(etag, patient));
    }

    private static String[] listCode(FhirSettings s) {
        String[] parts = s.pharmacyListCode().split("\\|", 2);
        return parts.length == 2 ? parts : new String[] {null, parts[0]};
    }

    public FhirCall capabilities(EmrConnection connection) {
        return FhirCall.get("read-capabilities", connection.baseUrl() + "/metadata");
    }

    /**
     * Reads the encounter an action names. An id that cannot name a FHIR resource (FHIR ids are 1-64
     * of {@code A-Z a-z 0-9 - .}) is not looked up at all: no such encounter can exist.
     */
    public FhirCall readEncounter(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Body ReadEncounter input) {
        String id = input.encounterId();
        if (!isFhirId(id)) {
            throw new EmrNotFoundException(404, "EMR call read-encounter: the id cannot name a FHIR resource");
        }
        return FhirCall.get("read-encounter", connection.baseUrl() + "/Encounter/" + id);
    }

    /**
     * The action's note line as a Communication on the encounter, written as the acting staff member,
     * with a job-scoped identifier ({@code jobIdentifierSystem + ":action"}, the action id) and sent as a
     * conditional create, so a redelivered action finds its note instead of writing it twice.
     */
    public FhirCall createEncounterNote(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Body AddEncounterNote input) {
        FhirSettings s = connection.settings();
        Identifier identifier = new Identifier().setSystem(s.jobIdentifierSystem() + ":action").setValue(input.actionId());
        Communication note = new Communication();
        note.addIdentifier(identifier);
        note.setStatus(Communication.CommunicationStatus.COMPLETED);
        note.setEncounter(new Reference("Encounter/" + input.encounterId()));
        if (input.subject() != null) {
            note.setSubject(new Reference(input.subject()));
        }
        note.setSender(reference("Practitioner/" + input.author().ehrId(), input.author().name()));
        note.setPriority(input.highPriority() ? Communication.CommunicationPriority.URGENT
                : Communication.CommunicationPriority.ROUTINE);
        if (input.notedAt() != null) {
            note.setSent(Date.from(input.notedAt()));
        }
        note.addPayload().setContent(new StringType(input.noteLine()));
        return new FhirCall("add-encounter-note", "POST", connection.baseUrl() + "/Communication",
                fhir.newJsonParser().encodeResourceToString(note),
                "identifier=" + token(identifier.getSystem(), identifier.getValue()), null);
    }

    /** A FHIR logical id: 1 to 64 of A-Z, a-z, 0-9, '-' and '.', and not a path segment such as "..". */
    static boolean isFhirId(String id) {
        return id != null && id.matches("[A-Za-z0-9\\-.]{1,64}") && !id.matches("\\.+");
    }

    public FhirCall practitioners(EmrConnection connection) {
        return FhirCall.get("pull-references", connection.baseUrl() + "/Practitioner?_count=100");
    }

    public FhirCall locations(EmrConnection connection) {
        return FhirCall.get("pull-references", connection.baseUrl() + "/Location?_count=100");
    }

    public FhirCall pharmacies(EmrConnection connection) {
        FhirSettings s = connection.settings();
        return FhirCall.get("pull-references", connection.baseUrl() + "/Organization?type="
                + token(s.pharmacyTypeSystem(), s.pharmacyTypeCode()) + "&_count=100");
    }

    private FhirCall create(EmrConnection connection, String jobKey, String operation, String type, IBaseResource resource,
            String suffix) {
        Identifier id = jobIdentifier(connection, jobKey, suffix);
        return new FhirCall(operation, "POST", connection.baseUrl() + "/" + type,
                fhir.newJsonParser().encodeResourceToString(resource), "identifier=" + token(id.getSystem(), id.getValue()),
                null);
    }

    /** A reference with the synced row's name as display, so the EMR shows who and where. */
    private static Reference reference(String target, String display) {
        return new Reference(target).setDisplay(display);
    }

    static Identifier jobIdentifier(EmrConnection connection, String jobKey, String suffix) {
        return new Identifier().setSystem(connection.settings().jobIdentifierSystem() + suffix).setValue(jobKey);
    }

    /** A token search value {@code system|value}, encoded (Tomcat refuses a raw '|'). */
    static String token(String system, String value) {
        return enc(system + "|" + value);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
