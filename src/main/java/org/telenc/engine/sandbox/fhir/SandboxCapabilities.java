package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * What the sandbox EMR's CapabilityStatement says about the two batching features, as it is told
 * ({@code engine.sandbox.fhir.transactions}, {@code engine.sandbox.fhir.revinclude}): the
 * {@code transaction} interaction, and {@code MedicationRequest:patient} in Patient's searchRevInclude.
 */
@Interceptor
public class SandboxCapabilities {

    static final String REVINCLUDE_ORDERS = "MedicationRequest:patient";

    private final boolean transactions;
    private final boolean revInclude;

    SandboxCapabilities(boolean transactions, boolean revInclude) {
        this.transactions = transactions;
        this.revInclude = revInclude;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void capabilities(IBaseConformance generated) {
        if (!(generated instanceof CapabilityStatement statement)) {
            return;
        }
        for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
            rest.getInteraction().removeIf(i -> i.getCode() == CapabilityStatement.SystemRestfulInteraction.TRANSACTION
                    || i.getCode() == CapabilityStatement.SystemRestfulInteraction.BATCH);
            if (transactions) {
                rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
                rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
            }
            for (CapabilityStatement.CapabilityStatementRestResourceComponent resource : rest.getResource()) {
                if ("Patient".equals(resource.getType())) {
                    resource.getSearchRevInclude().removeIf(r -> REVINCLUDE_ORDERS.equals(r.getValue()));
                    if (revInclude) {
                        resource.addSearchRevInclude(REVINCLUDE_ORDERS);
                    }
                }
            }
        }
    }
}
