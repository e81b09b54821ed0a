package org.telenc.engine.emr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.telenc.engine.action.ActionJob;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnection.FhirSettings;
import org.telenc.engine.emr.EmrNotFoundException;
import org.telenc.engine.encounter.EncounterJob;
import org.telenc.engine.intake.TelephoneEncounterRequest;

/**
 * Builds the FHIR R4 calls of the adapter (architecture section 2). Every created resource carries
 * a job-scoped identifier and is sent as a conditional create ({@code If-None-Exist}), so a
 * redelivered job finds what it already wrote instead of writing it twice.
 */
@Component("fhirRequests")
public class FhirRequests {

    static final String SNOMED = "http://snomed.info/sct";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority";
    static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private final FhirContext fhir;

    public FhirRequests(FhirContext fhir) {
        this.fhir = fhir;
    }

    public FhirCall findPatient(@ExchangeProperty("job") EncounterJob job) {
        FhirSettings s = job.getConnection().settings();
        String mrn = job.getRequest().getPatientMrn();
        return FhirCall.get("find-patient", job.getConnection().baseUrl() + "/Patient?identifier="
                + token(s.mrnSystem(), mrn) + "&_count=2");
    }

    public FhirCall refillableMedications(@ExchangeProperty("job") EncounterJob job) {
        return FhirCall.get("list-refillable-medications", job.getConnection().baseUrl()
                + "/MedicationRequest?patient=" + enc("Patient/" + job.getPatientId())
                + "&intent=order&status=active&_include=" + enc("MedicationRequest:medication") + "&_count=100");
    }

    public FhirCall createEncounter(@ExchangeProperty("job") EncounterJob job) {
        TelephoneEncounterRequest request = job.getRequest();
        FhirSettings s = job.getConnection().settings();
        Encounter encounter = new Encounter();
        encounter.addIdentifier(jobIdentifier(job, ""));
        encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
        encounter.setClass_(new Coding(ACT_CODE, "VR", "virtual"));
        encounter.addType(new CodeableConcept(new Coding(SNOMED, "185317003", "Telephone encounter")));
        encounter.setPriority(new CodeableConcept(request.highPriority()
                ? new Coding(ACT_PRIORITY, "UR", "urgent") : new Coding(ACT_PRIORITY, "R", "routine")));
        encounter.setSubject(new Reference("Patient/" + job.getPatientId()));
        encounter.addParticipant()
                .addType(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "PPRF", "primary performer")))
                .setIndividual(s.reference("Practitioner", request.getProviderId(),
                        job.getProvider() == null ? null : job.getProvider().name()));
        encounter.addLocation().setLocation(s.reference("Location", request.getLocationId(),
                job.getLocation() == null ? null : job.getLocation().name()));
        if (request.getReason() != null) {
            encounter.addReasonCode().setText(request.getReason());
        }
        if (request.getTemplateName() != null) {
            encounter.addExtension(new Extension(s.templateExtensionUrl(), new StringType(s.templateCode(request.getTemplateName()))));
        }
        return create(job, "create-encounter", "Encounter", encounter, "");
    }

    /** The caller and message, as a Communication about the encounter; null when neither was sent. */
    public FhirCall createCommunication(@ExchangeProperty("job") EncounterJob job) {
        TelephoneEncounterRequest request = job.getRequest();
        if (request.getCaller() == null && request.getMessage() == null) {
            return null;
        }
        Communication communication = new Communication();
        communication.addIdentifier(jobIdentifier(job, ":communication"));
        communication.setStatus(Communication.CommunicationStatus.COMPLETED);
        communication.addMedium(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", "PHONE", "telephone")));
        communication.setSubject(new Reference("Patient/" + job.getPatientId()));
        communication.setEncounter(new Reference("Encounter/" + job.getEncounterId()));
        if (request.getCaller() != null) {
            communication.setSender(new Reference().setDisplay(request.getCaller()));
        }
        if (request.getMessage() != null) {
            communication.addPayload().setContent(new StringType(request.getMessage()));
        }
        return create(job, "create-encounter", "Communication", communication, ":communication");
    }

    /** The assignee, as the owner of a Task on the encounter. */
    public FhirCall createTask(@ExchangeProperty("job") EncounterJob job) {
        TelephoneEncounterRequest request = job.getRequest();
        Task task = new Task();
        task.addIdentifier(jobIdentifier(job, ":task"));
        task.setStatus(Task.TaskStatus.REQUESTED);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(request.highPriority() ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
        task.setCode(new CodeableConcept().setText("Telephone encounter follow-up"));
        task.setFocus(new Reference("Encounter/" + job.getEncounterId()));
        task.setEncounter(new Reference("Encounter/" + job.getEncounterId()));
        task.setFor(new Reference("Patient/" + job.getPatientId()));
        task.setOwner(job.getConnection().settings().reference("Practitioner", request.getAssignedToId(),
                job.getAssignee() == null ? null : job.getAssignee().name()));
        return create(job, "create-encounter", "Task", task, ":task");
    }

    /** The refill request: a proposal based on the matched order, for the given pharmacy. */
    public FhirCall addRefill(@ExchangeProperty("job") EncounterJob job) {
        EncounterJob.RefillableMedication matched = job.getMatchedMedication();
        MedicationRequest refill = new MedicationRequest();
        refill.addIdentifier(jobIdentifier(job, ":refill"));
        EmrConnection.FhirSettings settings = job.getConnection().settings();
        refill.setStatus(MedicationRequest.MedicationRequestStatus.fromCode(settings.refillStatus()));
        refill.setIntent(MedicationRequest.MedicationRequestIntent.fromCode(settings.refillIntent()));
        refill.setMedication(new CodeableConcept().setText(matched.name()));
        refill.setSubject(new Reference("Patient/" + job.getPatientId()));
        refill.setEncounter(new Reference("Encounter/" + job.getEncounterId()));
        refill.addBasedOn(new Reference("MedicationRequest/" + matched.orderId()));
        refill.setPriorPrescription(new Reference("MedicationRequest/" + matched.orderId()));
        refill.setRequester(settings.reference("Practitioner", job.getRequest().getProviderId(), null));
        if (job.getRequest().getPharmacyEhrId() != null) {
            refill.getDispenseRequest().setPerformer(settings.reference("Organization", job.getRequest().getPharmacyEhrId(),
                    job.getPharmacy() == null ? null : job.getPharmacy().name()));
        }
        return create(job, "add-refill", "MedicationRequest", refill, ":refill");
    }

    /** Reads where the patient's pharmacies are kept: the Patient (extension) or its List. */
    public FhirCall readPharmacyList(@ExchangeProperty("job") EncounterJob job) {
        FhirSettings s = job.getConnection().settings();
        if (FhirSettings.PHARMACY_LIST_NONE.equals(s.pharmacyList())) {
            throw new org.telenc.engine.emr.EmrPermanentException("emr_rejected", 0,
                    "EMR call ensure-patient-pharmacy: this connection keeps no patient pharmacy list");
        }
        if (FhirSettings.PHARMACY_LIST_RESOURCE.equals(s.pharmacyList())) {
            String[] code = listCode(s);
            return FhirCall.get("ensure-patient-pharmacy", job.getConnection().baseUrl() + "/List?subject="
                    + enc("Patient/" + job.getPatientId()) + "&code=" + token(code[0], code[1]) + "&_count=10");
        }
        return FhirCall.get("ensure-patient-pharmacy", job.getConnection().baseUrl() + "/Patient/" + enc(job.getPatientId()));
    }

    /**
     * Whether what was read (a Patient, a List, or a List search Bundle) holds the job's pharmacy:
     * the Patient's pharmacy extension, or an entry of the List, refers to it.
     */
    public boolean holdsPharmacy(EncounterJob job, IBaseResource read) {
        FhirSettings settings = job.getConnection().settings();
        String pharmacy = job.getRequest().getPharmacyEhrId();
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
    public FhirCall addToPharmacyList(EncounterJob job, IBaseResource read, String etag) {
        FhirSettings settings = job.getConnection().settings();
        String pharmacy = job.getRequest().getPharmacyEhrId();
        Reference wanted = settings.reference("Organization", pharmacy, job.getPharmacy() == null ? null : job.getPharmacy().name());
        if (read instanceof Patient patient) {
            return addPatientPharmacy(job, patient, wanted, etag);
        }
        ListResource list = read instanceof Bundle found ? firstList(found) : (ListResource) read;
        if (list == null) {
            FhirSettings s = job.getConnection().settings();
            String[] code = listCode(s);
            ListResource created = new ListResource();
            Identifier id = new Identifier().setSystem(s.jobIdentifierSystem() + ":pharmacy-list").setValue(job.getPatientId());
            created.addIdentifier(id);
            created.setStatus(ListResource.ListStatus.CURRENT);
            created.setMode(ListResource.ListMode.WORKING);
            created.setCode(new CodeableConcept().addCoding(new Coding(code[0], code[1], null)));
            created.setSubject(new Reference("Patient/" + job.getPatientId()));
            created.addEntry().setItem(wanted);
            return new FhirCall("ensure-patient-pharmacy", "POST", job.getConnection().baseUrl() + "/List",
                    fhir.newJsonParser().encodeResourceToString(created), "identifier=" + token(id.getSystem(), id.getValue()), null);
        }
        list.addEntry().setItem(wanted);
        return new FhirCall("ensure-patient-pharmacy", "PUT", job.getConnection().baseUrl() + "/List/" + enc(list.getIdPart()),
                fhir.newJsonParser().encodeResourceToString(list), null, ifMatch(etag, list));
    }

    static ListResource firstList(Bundle found) {
        return found.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(ListResource.class::isInstance).map(ListResource.class::cast).findFirst().orElse(null);
    }

    /** The version a guarded write names: the read's ETag, else {@code W/"meta.versionId"}; null when neither is known. */
    private static String ifMatch(String etag, Resource read) {
        if (etag != null && !etag.isBlank()) {
            return etag.trim();
        }
        String version = read.getMeta().getVersionId();
        return version == null ? null : "W/\"" + version + "\"";
    }

    private FhirCall addPatientPharmacy(EncounterJob job, Patient patient, Reference wanted, String etag) {
        FhirSettings settings = job.getConnection().settings();
        patient.addExtension(new Extension(settings.pharmacyExtensionUrl(), wanted.copy().setDisplay(null)));
        return new FhirCall("ensure-patient-pharmacy", "PUT",
                job.getConnection().baseUrl() + "/Patient/" + enc(job.getPatientId()),
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
    public FhirCall readEncounter(@ExchangeProperty("action") ActionJob action) {
        String id = action.getEmrAppointmentId();
        if (!isFhirId(id)) {
            throw new EmrNotFoundException(404, "EMR call read-encounter: the id cannot name a FHIR resource");
        }
        return FhirCall.get("read-encounter", action.getConnection().baseUrl() + "/Encounter/" + id);
    }

    /**
     * The action's note line as a Communication on the encounter, written as the acting staff member,
     * with a job-scoped identifier ({@code jobIdentifierSystem + ":action"}, the action id) and sent as a
     * conditional create, so a redelivered action finds its note instead of writing it twice.
     */
    public FhirCall createEncounterNote(@ExchangeProperty("action") ActionJob action) {
        FhirSettings s = action.getConnection().settings();
        Identifier identifier = new Identifier().setSystem(s.jobIdentifierSystem() + ":action").setValue(action.getActionId());
        Communication note = new Communication();
        note.addIdentifier(identifier);
        note.setStatus(Communication.CommunicationStatus.COMPLETED);
        note.setEncounter(new Reference("Encounter/" + action.getEmrAppointmentId()));
        if (action.getEncounterSubject() != null) {
            note.setSubject(new Reference(action.getEncounterSubject()));
        }
        note.setSender(reference("Practitioner/" + action.getActingUserEhrId(), action.getActingUserName()));
        note.setPriority(action.isHighPriority() ? Communication.CommunicationPriority.URGENT
                : Communication.CommunicationPriority.ROUTINE);
        if (action.getNotedAt() != null) {
            note.setSent(java.util.Date.from(action.getNotedAt()));
        }
        note.addPayload().setContent(new StringType(action.getNoteLine()));
        return new FhirCall("add-encounter-note", "POST", action.getConnection().baseUrl() + "/Communication",
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

    private FhirCall create(EncounterJob job, String operation, String type,
            org.hl7.fhir.instance.model.api.IBaseResource resource, String suffix) {
        Identifier id = jobIdentifier(job, suffix);
        return new FhirCall(operation, "POST", job.getConnection().baseUrl() + "/" + type,
                fhir.newJsonParser().encodeResourceToString(resource), "identifier=" + token(id.getSystem(), id.getValue()),
                null);
    }

    /** A reference with the synced row's name as display, so the EMR shows who and where. */
    private static Reference reference(String target, String display) {
        return new Reference(target).setDisplay(display);
    }

    private static Identifier jobIdentifier(EncounterJob job, String suffix) {
        return new Identifier().setSystem(job.getConnection().settings().jobIdentifierSystem() + suffix)
                .setValue(job.getTelephoneEncounterId());
    }

    /** A token search value {@code system|value}, encoded (Tomcat refuses a raw '|'). */
    static String token(String system, String value) {
        return enc(system + "|" + value);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
