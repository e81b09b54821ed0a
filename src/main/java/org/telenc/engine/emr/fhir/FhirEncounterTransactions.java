package org.telenc.engine.emr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnection.FhirSettings;
import org.telenc.engine.emr.EmrException;
import org.telenc.engine.emr.EmrOperations.EncounterWritten;
import org.telenc.engine.emr.EmrOperations.WriteEncounter;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrVersionConflictException;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * write-encounter as one FHIR {@code transaction} Bundle: the Encounter, its Communication and Task,
 * and, when asked, the refill MedicationRequest and the patient's pharmacy (extension mode: the
 * Patient from find-patient, updated under {@code If-Match} of its {@code meta.versionId}).
 * Entries refer to the Encounter by its {@code urn:uuid} fullUrl; every create carries
 * {@code ifNoneExist} on its job-scoped identifier, so a redelivered job writes nothing twice.
 *
 * <p>A transaction is all or nothing: when the server refuses it (a permanent failure, or a 412 on
 * the Patient) and it carried an optional entry, it is sent once more with the encounter entries only;
 * the result then says the refill and pharmacy were not written, and the flow adds them one by one
 * as it does without transactions (so a refused refill is reported exactly as there).
 */
@Component("fhirEncounterTransactions")
public class FhirEncounterTransactions {

    /** The operation (metrics label) of the transaction. */
    public static final String WRITE_ENCOUNTER_TRANSACTION = "write-encounter-transaction";

    private final FhirContext fhir;
    private final FhirRequests requests;
    private final FhirResponses responses;

    public FhirEncounterTransactions(FhirContext fhir, FhirRequests requests, FhirResponses responses) {
        this.fhir = fhir;
        this.requests = requests;
        this.responses = responses;
    }

    /** In: the operation's input; which optional entries the transaction carries. */
    public EncounterTransaction start(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Body WriteEncounter input) {
        FhirSettings settings = connection.settings();
        if (input.pharmacy() == null || input.patientResource() == null
                || !FhirSettings.PHARMACY_LIST_EXTENSION.equals(settings.pharmacyList())) {
            return new EncounterTransaction(input, null, false);
        }
        Patient patient = fhir.newJsonParser().parseResource(Patient.class, input.patientResource());
        if (requests.holdsPharmacy(connection, input.pharmacy(), patient)) {
            return new EncounterTransaction(input, null, true);
        }
        if (FhirRequests.ifMatch(null, patient) == null) {
            // no version to guard the change with: the pharmacy goes its own way (read, then write under If-Match)
            return new EncounterTransaction(input, null, false);
        }
        Reference wanted = settings.reference("Organization", input.pharmacy().pharmacy().ehrId(), null);
        patient.addExtension(new Extension(settings.pharmacyExtensionUrl(), wanted));
        return new EncounterTransaction(input, patient, false);
    }

    /** The transaction with every entry asked for. */
    public FhirCall call(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(ExchangeProperties.ENCOUNTER_TRANSACTION) EncounterTransaction transaction) {
        return transaction(connection, transaction, true);
    }

    /**
     * After the full transaction was refused: the encounter entries only, once. A refusal that no
     * optional entry can explain (none was sent, or the credentials were refused) stands.
     */
    public FhirCall encounterOnlyCall(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(ExchangeProperties.ENCOUNTER_TRANSACTION) EncounterTransaction transaction,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) EmrException refused) {
        boolean explainable = refused instanceof EmrVersionConflictException
                || (refused instanceof EmrPermanentException && !"login_required".equals(refused.reasonCode()));
        if (!transaction.hasOptionalEntries() || !explainable) {
            throw refused;
        }
        return transaction(connection, transaction, false);
    }

    /** The full transaction's answer. */
    public EncounterWritten written(@ExchangeProperty(ExchangeProperties.ENCOUNTER_TRANSACTION) EncounterTransaction transaction,
            @Body String body) {
        return new EncounterWritten(encounterId(body), transaction.withRefill(),
                transaction.pharmacyHeld() || transaction.pharmacyChange() != null);
    }

    /** The encounter-only transaction's answer: the refill and a pharmacy change are still to do. */
    public EncounterWritten encounterOnlyWritten(
            @ExchangeProperty(ExchangeProperties.ENCOUNTER_TRANSACTION) EncounterTransaction transaction, @Body String body) {
        return new EncounterWritten(encounterId(body), false, transaction.pharmacyHeld());
    }

    private String encounterId(String body) {
        if (!(responses.resource(body) instanceof Bundle answer) || answer.getEntry().isEmpty()
                || !answer.getEntryFirstRep().getResponse().hasLocation()) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR answered a transaction without the Encounter's location");
        }
        return new IdType(answer.getEntryFirstRep().getResponse().getLocation()).getIdPart();
    }

    private FhirCall transaction(EmrConnection connection, EncounterTransaction transaction, boolean withOptional) {
        WriteEncounter input = transaction.input();
        String jobKey = input.encounter().jobKey();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String encounterUrl = "urn:uuid:" + UUID.randomUUID();
        Reference encounter = new Reference(encounterUrl);
        create(connection, bundle, encounterUrl, requests.encounter(connection, input.encounter()), jobKey, "");
        Communication communication = requests.communication(connection, input.details(), encounter.copy());
        if (communication != null) {
            create(connection, bundle, null, communication, jobKey, ":communication");
        }
        create(connection, bundle, null, requests.task(connection, input.details(), encounter.copy()), jobKey, ":task");
        if (withOptional && input.refill() != null) {
            create(connection, bundle, null, requests.refill(connection, input.refill(), encounter.copy()), jobKey, ":refill");
        }
        Patient patient = transaction.pharmacyChange();
        if (withOptional && patient != null) {
            String id = patient.getIdElement().getIdPart();
            bundle.addEntry().setFullUrl(connection.baseUrl() + "/Patient/" + id).setResource(patient.copy())
                    .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/" + id)
                    .setIfMatch(FhirRequests.ifMatch(null, patient));
        }
        return new FhirCall(WRITE_ENCOUNTER_TRANSACTION, "POST", connection.baseUrl(),
                fhir.newJsonParser().encodeResourceToString(bundle), null, null);
    }

    private static void create(EmrConnection connection, Bundle bundle, String fullUrl, Resource resource, String jobKey,
            String suffix) {
        Identifier id = FhirRequests.jobIdentifier(connection, jobKey, suffix);
        bundle.addEntry().setFullUrl(fullUrl == null ? "urn:uuid:" + UUID.randomUUID() : fullUrl).setResource(resource)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType())
                .setIfNoneExist("identifier=" + FhirRequests.token(id.getSystem(), id.getValue()));
    }
}
