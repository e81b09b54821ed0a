package org.telenc.engine.emr.fhir;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations;
import org.telenc.engine.emr.EmrOperations.EnsurePatientPharmacy;
import org.telenc.engine.emr.EmrOperations.PharmacyEnsured;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrVersionConflictException;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;

/**
 * Ensure-patient-pharmacy as a loop over {@link PharmacyListWrite}: a pharmacy counts as added only
 * when an answer of the EMR shows the list holding it. A write's success status alone proves
 * nothing: a conditional create answered 200 matched an existing List and changed nothing, so that
 * List is read (versioned, with its ETag) and the pharmacy added under {@code If-Match}; a 412 means
 * someone else changed the list in between, so it is read again and the change redone.
 */
@Component("fhirPharmacyLists")
public class FhirPharmacyLists {

    private final FhirRequests requests;
    private final FhirResponses responses;

    public FhirPharmacyLists(FhirRequests requests, FhirResponses responses) {
        this.requests = requests;
        this.responses = responses;
    }

    /** In: the operation's input ({@link EnsurePatientPharmacy}); the loop's state keeps it. */
    public PharmacyListWrite start(@Body EnsurePatientPharmacy input) {
        return new PharmacyListWrite(input);
    }

    /** The next read: the List by id once known, else the List search (list mode) or the Patient (extension mode). */
    public FhirCall read(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(ExchangeProperties.PHARMACY_WRITE) PharmacyListWrite write) {
        if (write.nextTry() > PharmacyListWrite.MAXIMUM_TRIES) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR call ensure-patient-pharmacy: the pharmacy list still"
                    + " lacks the pharmacy after " + PharmacyListWrite.MAXIMUM_TRIES + " writes");
        }
        if (write.listId() != null) {
            return FhirCall.get("ensure-patient-pharmacy", connection.baseUrl() + "/List/" + FhirRequests.enc(write.listId()));
        }
        return requests.readPharmacyList(connection, write.input());
    }

    /**
     * The write that adds the pharmacy to what was read, guarded by its version ({@code ETag}, else
     * {@code meta.versionId}); null, and the operation done, when the read shows it held already.
     */
    public FhirCall write(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(ExchangeProperties.PHARMACY_WRITE) PharmacyListWrite write, @Body String body, @Header(MessageHeaders.ETAG) String etag) {
        IBaseResource read = responses.pharmacyList(body);
        if (requests.holdsPharmacy(connection, write.input(), read)) {
            write.held();
            return null;
        }
        FhirCall call = requests.addToPharmacyList(connection, write.input(), read, etag);
        ListResource list = read instanceof Bundle found ? FhirRequests.firstList(found) : read instanceof ListResource l ? l : null;
        if (list != null) {
            write.listId(list.getIdElement().getIdPart());
        }
        return call;
    }

    /**
     * The write's answer: done when the resource it returns holds the pharmacy; otherwise (a
     * conditional create that matched an existing List, an answer without a body) the resource
     * it names is read again on the next round.
     */
    public void written(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(ExchangeProperties.PHARMACY_WRITE) PharmacyListWrite write, @Body String body, @Header(MessageHeaders.LOCATION) String location) {
        IBaseResource answer = body == null || body.isBlank() ? null : responses.resource(body);
        if (answer != null && !(answer instanceof OperationOutcome)) {
            if (requests.holdsPharmacy(connection, write.input(), answer)) {
                write.held();
                return;
            }
            if (answer instanceof ListResource list) {
                write.listId(list.getIdElement().getIdPart());
            }
        } else if (location != null && location.contains("/List/")) {
            write.listId(new IdType(location).getIdPart());
        }
    }

    /** The operation's result, once the loop has seen the list hold the pharmacy. */
    public PharmacyEnsured ensured(@ExchangeProperty(ExchangeProperties.PHARMACY_WRITE) PharmacyListWrite write) {
        return new PharmacyEnsured(write.input().pharmacy().ehrId());
    }

    /** 412 on the guarded write: read again and redo the change, unless the tries are used up. */
    public void conflict(@ExchangeProperty(ExchangeProperties.PHARMACY_WRITE) PharmacyListWrite write,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) EmrVersionConflictException conflict) {
        if (write.tries() >= PharmacyListWrite.MAXIMUM_TRIES) {
            throw conflict;
        }
    }
}
