package org.telenc.engine.encounter;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;
import org.telenc.engine.intake.RequestParser;

/** Binds the body of {@code POST /v1/telephone-encounters} by the shared rules of {@link RequestParser}. */
@Component("encounterRequests")
public class EncounterRequests {

    public TelephoneEncounterRequest parse(JsonNode root) {
        return RequestParser.bind(root, RequestField.values(), TelephoneEncounterRequest::new);
    }

    /** The same binding from raw text (the parsing rules of the route's camel-jackson unmarshal). */
    public TelephoneEncounterRequest parseText(String body) {
        return parse(RequestParser.readObject(body));
    }
}
