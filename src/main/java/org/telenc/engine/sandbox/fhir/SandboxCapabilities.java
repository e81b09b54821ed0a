package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * What the sandbox EMR's CapabilityStatement says about the two batching features, as they are now
 * ({@link SandboxFeatures}): the
 * {@code transaction} interaction, and {@code MedicationRequest:patient} in Patient's searchRevInclude.
 */
@Interceptor
public class SandboxCapabilities {

    static final String REVINCLUDE_ORDERS = "MedicationRequest:patient";

    private final SandboxFeatures features;

    SandboxCapabilities(SandboxFeatures features) {
        this.features = features;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void capabilities(IBaseConformance generated) {
        if (!(generated instanceof CapabilityStatement statement)) {
            return;
        }
        boolean transactions = features.transactions();
        boolean revInclude = features.revInclude();
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
