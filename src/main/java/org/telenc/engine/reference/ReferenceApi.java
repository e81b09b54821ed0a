package org.telenc.engine.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.Caller;

/** GET /v1/providers, /v1/locations, /v1/pharmacies, /v1/staff for the token's connection. */
@Component("referenceApi")
public class ReferenceApi {

    private final ReferenceRepository references;
    private final ObjectMapper json;

    public ReferenceApi(ReferenceRepository references, ObjectMapper json) {
        this.references = references;
        // reference rows are listed with the contract's snake_case names (ehr_id, ...)
        this.json = json.copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    public String providers(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller) {
        return answer("providers", references.providers(caller.connectionId()));
    }

    public String locations(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller) {
        return answer("locations", references.locations(caller.connectionId()));
    }

    public String pharmacies(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller) {
        return answer("pharmacies", references.pharmacies(caller.connectionId()));
    }

    public String staff(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller) {
        return answer("staff", references.staff(caller.connectionId()));
    }

    private String answer(String name, Object rows) {
        ObjectNode answer = json.createObjectNode().put("success", true);
        answer.set(name, json.valueToTree(rows));
        return answer.toString();
    }
}
