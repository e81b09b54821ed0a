package org.telenc.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.language.simple.Simple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.storage.GroupCommit;
import org.telenc.engine.tenancy.Caller;

/**
 * The append-only audit log: every API answer (who called, with which token reference, which
 * operation, on which object, with what outcome) and every terminal outcome the engine reaches on
 * its own. Only ids, codes and statuses are written, never a request body: no PHI in clear. A
 * failure to audit is logged and never fails the call it describes.
 */
@Component("auditLog")
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final String[] OBJECT_FIELDS = {"telephone_encounter_id", "action_id", "webhook_id", "event_id", "client_id"};

    private static final String INSERT = """
            insert into audit_log(at, actor_type, actor, token_reference, operation, object_id, outcome, reason)
            values (?,?,?,?,?,?,?,?)""";

    private final JdbcTemplate jdbc;
    private final GroupCommit groupCommit;
    private final ObjectMapper json;
    private final Clock clock;

    public AuditLog(JdbcTemplate jdbc, GroupCommit groupCommit, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.groupCommit = groupCommit;
        this.json = json;
        this.clock = clock;
    }

    /** An API answer with a status (errors, and answers built as ApiResponse). */
    public void apiResponse(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Simple("${fromRouteId}") String operation,
            @Body ApiResponse response) {
        api(caller, operation, response.status(), response.json());
    }

    /** A 200 answer written from a JSON string. */
    public void apiOk(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Simple("${fromRouteId}") String operation,
            @Body String body) {
        api(caller, operation, 200, body);
    }

    /** Something the engine did on its own: a job's terminal outcome, say. */
    public void system(String part, String operation, String objectId, String outcome) {
        insert(false, "system", part, null, operation, objectId, outcome, null);
    }

    /**
     * An operator console action or login: who (the console user), what (the operation and its
     * object's opaque id), with what outcome, and why (the reason the operator gave, never PHI).
     * Written at once, in its own statement: the action it describes has already happened.
     */
    public void console(String user, String operation, String objectId, String outcome, String reason) {
        insert(false, "console", user, null, operation, objectId, outcome, reason);
    }

    void api(Caller caller, String operation, int status, String body) {
        String actorType;
        String actor;
        String reference = null;
        if (operation != null && operation.startsWith("rest-admin")) {
            actorType = "admin";
            actor = "admin";
        } else if (caller != null) {
            actorType = "client";
            actor = caller.clientId();
            reference = caller.accessTokenReferenceId();
        } else {
            actorType = "client";
            actor = null; // not authenticated: who it claimed to be is not recorded
        }
        String objectId = null;
        String outcome = String.valueOf(status);
        try {
            JsonNode answer = json.readTree(body);
            for (String field : OBJECT_FIELDS) {
                if (answer.hasNonNull(field)) {
                    objectId = answer.get(field).asText();
                    break;
                }
            }
            if (answer.hasNonNull("error")) {
                outcome = status + " " + answer.get("error").asText();
            }
        } catch (Exception e) {
            // not JSON: the status says enough
        }
        insert(true, actorType, actor, reference, operation == null ? "unknown" : operation, objectId, outcome, null);
    }

    /**
     * @param grouped an API answer's row: shares a commit with concurrent answers' rows and is stored
     *     before the answer leaves; otherwise (a terminal outcome, written inside the transaction that
     *     records it) the row joins the caller's transaction and commits or rolls back with it
     */
    private void insert(boolean grouped, String actorType, String actor, String reference, String operation, String objectId, String outcome,
            String reason) {
        try {
            Object[] row = {Timestamp.from(clock.instant()), actorType, clip(actor, 128), clip(reference, 200),
                    clip(operation, 80), clip(objectId, 64), clip(outcome, 80), clip(reason, 200)};
            if (grouped) {
                groupCommit.run(() -> jdbc.update(INSERT, row));
            } else {
                jdbc.update(INSERT, row);
            }
        } catch (RuntimeException e) {
            log.warn("audit entry for {} not written: {}", operation, e.getClass().getSimpleName());
        }
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
