package org.telenc.engine.action;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;
import org.telenc.engine.intake.RequestParser;

/** Binds the body of {@code POST /v1/telephone-encounters/actions} by the shared rules of {@link RequestParser}. */
@Component("actionRequests")
public class ActionRequests {

    public TelephoneEncounterActionRequest parse(JsonNode root) {
        return RequestParser.bind(root, ActionField.values(), TelephoneEncounterActionRequest::new);
    }

    /** The same binding from raw text. */
    public TelephoneEncounterActionRequest parseText(String body) {
        return parse(RequestParser.readObject(body));
    }
}
