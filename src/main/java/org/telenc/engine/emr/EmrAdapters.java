package org.telenc.engine.emr;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * Which EMR types can take telephone encounters: exactly those whose adapter file
 * (routes/emr/&lt;type&gt;.camel.yaml) defines every telephone-encounter operation route. A type
 * without them is what answers unsupported_emr.
 */
@Component("emrAdapters")
public class EmrAdapters {

    static final List<String> TELEPHONE_ENCOUNTER_OPERATIONS = List.of("find-patient",
            "list-refillable-medications", "create-encounter", "add-encounter-details", "add-refill", "ensure-patient-pharmacy");
    /** What POST /v1/telephone-encounters/actions needs of an adapter. */
    static final List<String> ENCOUNTER_ACTION_OPERATIONS = List.of("read-encounter", "add-encounter-note");

    private final CamelContext camel;

    public EmrAdapters(CamelContext camel) {
        this.camel = camel;
    }

    public boolean supportsTelephoneEncounters(String emrType) {
        if (emrType == null || !emrType.matches("[a-z0-9-]+")) {
            return false;
        }
        return TELEPHONE_ENCOUNTER_OPERATIONS.stream().allMatch(op -> camel.getRoute("emr-" + emrType + "-" + op) != null);
    }

    /** Whether the adapter of this type has the optional operation (e.g. read-capabilities). */
    public boolean supportsOperation(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, String operation) {
        String emrType = connection == null ? null : connection.emrType();
        return emrType != null && emrType.matches("[a-z0-9-]+") && camel.getRoute("emr-" + emrType + "-" + operation) != null;
    }

    /** Actions on an existing encounter (a note line): the adapter reads the encounter and adds the note. */
    public boolean supportsEncounterActions(String emrType) {
        if (emrType == null || !emrType.matches("[a-z0-9-]+")) {
            return false;
        }
        return ENCOUNTER_ACTION_OPERATIONS.stream().allMatch(op -> camel.getRoute("emr-" + emrType + "-" + op) != null);
    }

    public boolean supportsReferencePull(String emrType) {
        return emrType != null && emrType.matches("[a-z0-9-]+") && camel.getRoute("emr-" + emrType + "-pull-references") != null;
    }
}
