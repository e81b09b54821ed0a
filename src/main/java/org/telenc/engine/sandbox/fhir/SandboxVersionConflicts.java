package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;

/**
 * How the sandbox EMR answers a write that names a stale version ({@code If-Match}, in a plain
 * update or a transaction entry): {@code 412} (the default, as HTTP and the FHIR specification
 * say), or {@code 409} with the OperationOutcome a HAPI FHIR JPA server sends
 * ({@code HAPI-0989: Trying to update Patient/1/_history/2 but this is not the current version},
 * prefixed {@code HAPI-0550: } inside a transaction). Set by
 * {@code engine.sandbox.fhir.version-conflict-status}; {@link #answerWith} (tests) changes it at run time.
 */
@Interceptor
public final class SandboxVersionConflicts {

    private volatile int status;

    public SandboxVersionConflicts(int status) {
        answerWith(status);
    }

    /** From now on, answer a stale version with this status: 412 or 409. */
    public void answerWith(int status) {
        if (status != 412 && status != 409) {
            throw new IllegalArgumentException("engine.sandbox.fhir.version-conflict-status must be 412 or 409, not " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException asHapiJpa(RequestDetails request, Throwable thrown) {
        if (status != 409 || !(thrown instanceof SandboxFhirStore.StaleVersionException stale)) {
            return null;
        }
        String message = "HAPI-0989: Trying to update " + stale.staleVersion() + " but this is not the current version";
        boolean inTransaction = request != null && request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION;
        return new ResourceVersionConflictException(inTransaction ? "HAPI-0550: " + message : message);
    }
}
