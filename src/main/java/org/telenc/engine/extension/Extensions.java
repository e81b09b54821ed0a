package org.telenc.engine.extension;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.intake.BodyField;
import org.telenc.engine.intake.BoundRequest;
import org.telenc.engine.job.EmrFailures;
import org.telenc.engine.job.EmrJob;
import org.telenc.engine.job.JobSteps;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.teamroutes.TeamRouteSwaps;
import org.telenc.engine.tenancy.Caller;

/**
 * The extension points: where a team's own route (loaded from {@code engine.routes.extra-location})
 * runs in the flows, selected per EMR connection by its settings,
 * {@code {"extensions": {"accepting": "<route>", "before-emr": "<route>", "after-outcome": "<route>"}}},
 * each value the name of a {@code direct:} endpoint a team route consumes. A connection that names
 * nothing for a point runs nothing there.
 *
 * <p>A team route runs on an exchange of its own (a copy of the fields as a plain map in its body,
 * the connection in {@code emrConnection}): the headers and properties it sets never reach the
 * engine's exchange, its answer or its logs. The engine takes back only what the point allows:
 * the allowed fields of the map it leaves (re-checked by the request's bean-validation rules), or
 * at {@code accepting} a {@link Rejection}. A failure is logged by point, connection, endpoint and
 * exception class, never the exception's text. A job's {@code before-emr} and {@code after-outcome}
 * runs are steps of its timeline ({@link JobSteps}). The methods {@link #reject}, {@link #rejectInvalid},
 * {@link #set} and {@link #map} are for team routes written in YAML.
 */
@Component("extensions")
public class Extensions {

    private static final Logger log = LoggerFactory.getLogger(Extensions.class);

    /** The settings key that holds the point → route map. */
    public static final String SETTINGS_KEY = "extensions";
    /** A route's endpoint name: letters, digits, '.', '_', '-' (an optional {@code direct:} prefix is dropped). */
    static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** A rejection's code: lowercase snake_case, as the engine's own codes. */
    static final Pattern CODE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    static final int MAX_CODE = 64;
    static final int MAX_MESSAGE = 300;
    static final String FAILED_MESSAGE = "The clinic's intake rule could not be applied. Retry the request later.";

    private final CamelContext camel;
    /** This bean's own producers (not the shared template), made at first use: dropped after each swap of the team's routes. */
    private volatile ProducerTemplate producer;
    private final EmrConnections connections;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final Validator validator;

    /** How long a call waits for its route ({@code engine.routes.extra-route-wait}): a reload replaces routes under load. */
    private final long routeWaitMillis;
    /** A call runs wholly on one version of the team's routes: a reload's swap waits for it, it waits for a swap. */
    private final TeamRouteSwaps swaps;
    /** Where a job's extension points are recorded for its timeline; absent where no database is. */
    private volatile JobSteps steps;

    public Extensions(CamelContext camel, EmrConnections connections, MeterRegistry meters, ObjectMapper json,
            TeamRouteSwaps swaps, @Value("${engine.routes.extra-route-wait:10s}") Duration routeWait) {
        this.camel = camel;
        this.swaps = swaps;
        // a producer that found a route's old consumer may hand a call to it after the swap; new ones cannot
        swaps.afterEachSwap(() -> {
            ProducerTemplate old = producer;
            producer = null;
            if (old != null) {
                try {
                    old.stop();
                } catch (RuntimeException e) {
                    log.debug("stopping the replaced producer template failed ({})", e.getClass().getName());
                }
            }
        });
        this.routeWaitMillis = Math.max(1, routeWait.toMillis());
        this.connections = connections;
        this.meters = meters;
        this.json = json;
        ValidatorFactory factory = Validation.buildDefaultValidatorFactory();
        this.validator = factory.getValidator();
    }

    /** Not public: team routes see the public methods of this bean as theirs to call. */
    @Autowired(required = false)
    void useJobSteps(JobSteps steps) {
        this.steps = steps;
    }

    // ---- for team routes (YAML: method: "reject('clinic_closed', 'The clinic takes no requests today.')")

    /** The body an {@code accepting} route leaves to refuse the request with 422 and its own code and message. */
    public Rejection reject(String code, String message) {
        return new Rejection(code, message, 422);
    }

    /** As {@link #reject}, with 400. */
    public Rejection rejectInvalid(String code, String message) {
        return new Rejection(code, message, 400);
    }

    /** The fields with one field set (null: removed): {@code method: "set(${body}, 'template_name', 'rx-refill')"}. */
    public Map<String, Object> set(Map<String, Object> fields, String field, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(fields);
        if (value == null) {
            changed.remove(field);
        } else {
            changed.put(field, value);
        }
        return changed;
    }

    /**
     * The fields with one field's value looked up in a table (say, a map in the connection's settings,
     * {@code ${exchangeProperty.emrConnection.options[provider_map]}}); a value the table does not
     * hold, or no table, leaves the field as it is.
     */
    public Map<String, Object> map(Map<String, Object> fields, String field, Map<String, Object> table) {
        Object value = fields.get(field);
        if (table == null || value == null || !table.containsKey(String.valueOf(value))) {
            return new LinkedHashMap<>(fields);
        }
        return set(fields, field, table.get(String.valueOf(value)));
    }

    /**
     * The body an {@code after-match} route leaves to end the job {@code failed} with a code the
     * connection's settings declare ({@code extension_failure_codes}) and the webhook's description:
     * {@code method: "refuse('patient_not_found', 'Clinic A files no encounter for this patient.')"}.
     */
    public JobRefusal refuse(String code, String description) {
        return new JobRefusal(code, description);
    }

    /**
     * The candidates with one list narrowed to one of its ids ({@code after-match}):
     * {@code method: "choose(${body}, 'patient_ids', ${exchangeProperty.emrConnection.options[preferred_patient_ids]})"};
     * {@code id} is one id, or a list of ids in order of preference (the first that is a candidate
     * is kept). An id the list does not hold, or none, leaves the list as it is (a hook never adds
     * a candidate).
     */
    public Map<String, Object> choose(Map<String, Object> candidates, String field, Object id) {
        Object list = candidates.get(field);
        if (id instanceof List<?> preferred) {
            // the first of the preferred ids that is a candidate
            for (Object one : preferred) {
                if (one != null && list instanceof List<?> ids && ids.contains(String.valueOf(one))) {
                    return set(candidates, field, List.of(String.valueOf(one)));
                }
            }
            return new LinkedHashMap<>(candidates);
        }
        if (id == null || !(list instanceof List<?> ids) || !ids.contains(String.valueOf(id))) {
            return new LinkedHashMap<>(candidates);
        }
        return set(candidates, field, List.of(String.valueOf(id)));
    }

    /**
     * The refusal with its {@code reason_code} looked up in a table ({@code emr-refusal}): first by
     * {@code "<step> <http_status>"} ({@code "create-encounter 422"}), then by the status alone;
     * a refusal the table does not name, or no table, keeps the engine's code. A table value is a
     * code, or a map of {@code reason_code} and {@code description} (the webhook's failure reason
     * for it: {@code {"create-encounter 422": {"reason_code": "patient_not_found", "description":
     * "Clinic A files no encounter for a merged patient record."}}}).
     */
    public Map<String, Object> classify(Map<String, Object> refusal, Map<String, Object> table) {
        if (table == null) {
            return new LinkedHashMap<>(refusal);
        }
        String status = String.valueOf(refusal.get("http_status"));
        Object code = table.get(refusal.get("step") + " " + status);
        if (code == null) {
            code = table.get(status);
        }
        if (code instanceof Map<?, ?> entry) {
            Map<String, Object> out = set(refusal, "reason_code", entry.get("reason_code") == null ? null
                    : String.valueOf(entry.get("reason_code")));
            return entry.get("description") == null ? out : set(out, "description", String.valueOf(entry.get("description")));
        }
        return code == null ? new LinkedHashMap<>(refusal) : set(refusal, "reason_code", String.valueOf(code));
    }

    // ---- for the admin API

    /**
     * The route names in a connection's {@code extensions} settings that no running route consumes
     * (as {@code direct:<name>}), in the order given: what a job would fail on later, so the admin
     * API refuses them now. Values that are not strings are named too ({@code extensions.<point>}).
     */
    public List<String> routesNotLoaded(Object extensionSettings) {
        if (!(extensionSettings instanceof Map<?, ?> byPoint)) {
            return List.of();
        }
        Set<String> consumed = new TreeSet<>();
        camel.getRoutes().forEach(route -> {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("direct://")) {
                String name = uri.substring("direct://".length());
                int query = name.indexOf('?');
                consumed.add(query < 0 ? name : name.substring(0, query));
            }
        });
        List<String> missing = new ArrayList<>();
        byPoint.forEach((point, value) -> {
            if (value == null || value instanceof String blank && blank.isBlank()) {
                return; // nothing selected at this point
            }
            String name = value instanceof String text ? text.strip() : null;
            if (name != null && name.startsWith("direct:")) {
                name = name.substring("direct:".length());
            }
            if (name == null || !consumed.contains(name)) {
                missing.add(name == null || !ENDPOINT.matcher(name).matches() ? "extensions." + point : name);
            }
        });
        return missing;
    }

    // ---- for the engine's routes and beans

    /**
     * The {@code accepting} point of the intake template: the validated request, changed in its
     * allowed fields by the connection's team route, or refused with the team's code (an
     * {@link ApiException}, 400 or 422). A team route that fails answers
     * {@code 503 extension_failed}: nothing is stored, the caller may retry.
     */
    public BoundRequest accepting(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Body BoundRequest request) {
        String connectionId = caller.connectionId();
        try {
            String endpoint = selected(connections.settingsOf(connectionId), ExtensionPoint.ACCEPTING, connectionId);
            if (endpoint == null) {
                return request;
            }
            return applied(ExtensionPoint.ACCEPTING, connections.get(connectionId), endpoint, request, Map.of(),
                    request.extensionChangeable());
        } catch (ApiException rejectedByTheClinic) {
            throw rejectedByTheClinic;
        } catch (ExtensionFailedException e) {
            throw new ApiException(503, "extension_failed", FAILED_MESSAGE);
        } catch (RuntimeException e) {
            // say, the connection's settings or credentials cannot be read: the engine's side, not the caller's
            failed(ExtensionPoint.ACCEPTING, connectionId, "?", e.getClass().getName());
            throw new ApiException(503, "extension_failed", FAILED_MESSAGE);
        }
    }

    /**
     * The {@code before-emr} point for a job whose fields are a bound request: the request with the
     * allowed fields changed, or the same request when the connection selects no route. A failure
     * throws {@link ExtensionFailedException}: the job fails like any fault (broker redelivery, then
     * {@code internal_error}).
     */
    public <R extends BoundRequest> R beforeEmr(EmrConnection connection, R request, Map<String, Object> context,
            Set<String> changeable) {
        String endpoint = selected(connection.options(), ExtensionPoint.BEFORE_EMR, connection.id());
        return endpoint == null ? request : applied(ExtensionPoint.BEFORE_EMR, connection, endpoint, request, context, changeable);
    }

    /**
     * The {@code before-emr} point of a job, as {@link #beforeEmr(EmrConnection, BoundRequest, Map, Set)}
     * on the job's connection; when the connection names a route, its run (ok, or failed) is a step
     * of the job's timeline.
     */
    public <R extends BoundRequest> R beforeEmr(EmrJob job, R request, Map<String, Object> context, Set<String> changeable) {
        long started = System.nanoTime();
        boolean ok = false;
        try {
            R mapped = beforeEmr(job.connection(), request, context, changeable);
            ok = true;
            return mapped;
        } finally {
            step(job, ExtensionPoint.BEFORE_EMR, ok, started);
        }
    }

    /**
     * The {@code before-emr} point for a job whose fields are plain values: the changed allowed
     * fields (field → new value, null for removed), empty when nothing changed or no route is selected.
     */
    public Map<String, String> beforeEmr(EmrConnection connection, Map<String, Object> fields, Set<String> changeable) {
        String endpoint = selected(connection.options(), ExtensionPoint.BEFORE_EMR, connection.id());
        if (endpoint == null) {
            return Map.of();
        }
        Map<String, String> changes = changes(ExtensionPoint.BEFORE_EMR, connection, endpoint, fields, changeable);
        count(ExtensionPoint.BEFORE_EMR, changes.isEmpty() ? "unchanged" : "changed");
        return changes;
    }

    /**
     * The {@code after-outcome} point: the job's event, if this delivery recorded it (a redelivered
     * job whose event already existed runs nothing again), handed to the connection's team route as
     * the webhook carries it. Never throws: a failure is logged and counted, the outcome and its
     * webhook stand.
     */
    public void afterOutcome(@ExchangeProperty(ExchangeProperties.JOB) EmrJob job) {
        if (job == null || job.recordedEvent() == null) {
            return;
        }
        EmrConnection connection = job.connection();
        long started = System.nanoTime();
        boolean ok = false;
        try {
            String endpoint = selected(connection.options(), ExtensionPoint.AFTER_OUTCOME, connection.id());
            if (endpoint == null) {
                return;
            }
            Map<String, Object> event = json.readValue(job.recordedEvent(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
            run(ExtensionPoint.AFTER_OUTCOME, connection, endpoint, event);
            count(ExtensionPoint.AFTER_OUTCOME, "ran");
            ok = true;
        } catch (ExtensionFailedException e) {
            // already logged and counted
        } catch (Exception e) {
            failed(ExtensionPoint.AFTER_OUTCOME, connection.id(), "?", e.getClass().getName());
        } finally {
            step(job, ExtensionPoint.AFTER_OUTCOME, ok, started);
        }
    }

    /**
     * The {@code after-match} point: the patients and refill orders the engine found for the job
     * (ids only), handed to the connection's team route; null when the connection names none. The
     * answer keeps a non-empty subset of each list, or is the route's {@link JobRefusal} with a code
     * the connection declares ({@link FailureCodes}). Anything else (an added id, an emptied list, an
     * undeclared code, a route that throws) throws {@link ExtensionFailedException}: a job fault,
     * redelivered, then {@code internal_error}, as at {@code before-emr}. A step of the job's timeline.
     */
    public MatchCandidates.Choice afterMatch(EmrJob job, MatchCandidates candidates) {
        EmrConnection connection = job.connection();
        long started = System.nanoTime();
        boolean ok = false;
        try {
            String endpoint = selected(connection.options(), ExtensionPoint.AFTER_MATCH, connection.id());
            if (endpoint == null) {
                return null;
            }
            Map<String, Object> body = json.convertValue(candidates, new TypeReference<LinkedHashMap<String, Object>>() {
            });
            Object result = run(ExtensionPoint.AFTER_MATCH, connection, endpoint, body);
            MatchCandidates.Choice choice = choice(connection, endpoint, candidates, result);
            ok = true;
            return choice;
        } finally {
            step(job, ExtensionPoint.AFTER_MATCH, ok, started);
        }
    }

    private MatchCandidates.Choice choice(EmrConnection connection, String endpoint, MatchCandidates sent, Object result) {
        ExtensionPoint point = ExtensionPoint.AFTER_MATCH;
        if (result instanceof JobRefusal refusal) {
            String code = refusal.code();
            String description = refusal.description();
            if (!wellFormed(code, description)) {
                throw failed(point, connection.id(), endpoint, "malformed refusal (code: lowercase snake_case of 2-" + MAX_CODE
                        + "; description: 1-" + MAX_MESSAGE + " characters)");
            }
            if (!FailureCodes.allowed(connection.options(), code)) {
                // the code is not logged: a team may have written anything there
                throw failed(point, connection.id(), endpoint,
                        "it refused with a code the connection's settings do not declare (" + FailureCodes.SETTINGS_KEY + ")");
            }
            count(point, "rejected");
            log.info("extension after-match ({}) of EMR connection {} ended the job failed", endpoint, connection.id());
            return new MatchCandidates.Choice(null, null, refusal);
        }
        if (!(result instanceof Map<?, ?>)) {
            throw failed(point, connection.id(), endpoint, "its body is not the map of candidates"
                    + (result == null ? " (null)" : " (" + result.getClass().getSimpleName() + ")"));
        }
        MatchCandidates answered;
        try {
            answered = json.convertValue(result, MatchCandidates.class);
        } catch (IllegalArgumentException e) {
            throw failed(point, connection.id(), endpoint, "its candidate lists are not lists of ids");
        }
        List<String> patients = narrowed(connection, endpoint, "patient_ids", sent.patientIds(), answered.patientIds());
        List<String> orders = narrowed(connection, endpoint, "medication_order_ids", sent.medicationOrderIds(),
                answered.medicationOrderIds());
        count(point, patients.equals(sent.patientIds()) && orders.equals(sent.medicationOrderIds()) ? "unchanged" : "changed");
        return new MatchCandidates.Choice(patients, orders, null);
    }

    /** A list as the route left it: the sent one when absent; a failure when it holds an id not sent or empties a list. */
    private List<String> narrowed(EmrConnection connection, String endpoint, String field, List<String> sent, List<String> answered) {
        if (answered == null) {
            return sent;
        }
        if (!sent.containsAll(answered)) {
            throw failed(ExtensionPoint.AFTER_MATCH, connection.id(), endpoint, "it added a candidate to " + field);
        }
        if (answered.isEmpty() && !sent.isEmpty()) {
            throw failed(ExtensionPoint.AFTER_MATCH, connection.id(), endpoint, "it emptied " + field + " (refuse the job instead)");
        }
        return answered.stream().distinct().toList();
    }

    /**
     * The {@code emr-refusal} point: the EMR refused a step before the encounter exists; the
     * connection's team route may answer another reason code ({@code reason_code}) among those its
     * settings declare. Null (the engine's own classification stays) when the connection names no
     * route or the route leaves the code as it was, or no body; else the code, with the route's
     * {@code description} of it when it answers one (the webhook's failure reason in place of the
     * engine's). An undeclared code, a malformed description or a route that
     * fails throws {@link ExtensionFailedException}: a job fault, then {@code internal_error}.
     * A step of the job's timeline.
     */
    public EmrFailures.Reclassified emrRefusal(EmrJob job, EmrRefusal refusal) {
        EmrConnection connection = job.connection();
        ExtensionPoint point = ExtensionPoint.EMR_REFUSAL;
        long started = System.nanoTime();
        boolean ok = false;
        try {
            String endpoint = selected(connection.options(), point, connection.id());
            if (endpoint == null) {
                return null;
            }
            Map<String, Object> body = json.convertValue(refusal, new TypeReference<LinkedHashMap<String, Object>>() {
            });
            Object result = run(point, connection, endpoint, body);
            String code;
            String description = null;
            if (result == null) {
                code = null;
            } else if (result instanceof Map<?, ?> answered) {
                try {
                    EmrRefusal read = json.convertValue(answered, EmrRefusal.class);
                    code = read.reasonCode();
                    description = read.description();
                } catch (IllegalArgumentException e) {
                    throw failed(point, connection.id(), endpoint, "its body is not the map of the refusal");
                }
            } else {
                throw failed(point, connection.id(), endpoint, "its body is not the map of the refusal ("
                        + result.getClass().getSimpleName() + ")");
            }
            if (code == null || code.isBlank() || code.equals(refusal.reasonCode())) {
                count(point, "unchanged");
                ok = true;
                return null;
            }
            if (!FailureCodes.allowed(connection.options(), code)) {
                throw failed(point, connection.id(), endpoint,
                        "it answered a code the connection's settings do not declare (" + FailureCodes.SETTINGS_KEY + ")");
            }
            if (refusal.actionId() != null && !FailureCodes.ACTION_ALLOWED.contains(code)) {
                throw failed(point, connection.id(), endpoint, "it answered a code an Add Action job does not end with");
            }
            if (description != null && !wellFormed(code, description)) {
                throw failed(point, connection.id(), endpoint, "its description is not 1-" + MAX_MESSAGE
                        + " characters without control characters");
            }
            count(point, "changed");
            ok = true;
            return new EmrFailures.Reclassified(code, description);
        } finally {
            step(job, point, ok, started);
        }
    }

    /** A step of the job's timeline, when its connection names a route for the point (ran, or failed trying). */
    private void step(EmrJob job, ExtensionPoint point, boolean ok, long startedNanos) {
        JobSteps steps = this.steps;
        if (steps == null || !names(job.connection().options(), point)) {
            return;
        }
        steps.extension(job.jobId(), point.key(), ok, Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    /** Whether the settings name anything for the point (a route, or a value that is not one). */
    static boolean names(Map<String, Object> options, ExtensionPoint point) {
        Object extensions = options == null ? null : options.get(SETTINGS_KEY);
        return extensions instanceof Map<?, ?> byPoint && byPoint.get(point.key()) != null
                && !String.valueOf(byPoint.get(point.key())).isBlank();
    }

    /**
     * The route a connection selects for a point: its {@code direct:} endpoint name, or null. A
     * value that is not a route name fails the point (the setting is wrong, not the request).
     */
    String selected(Map<String, Object> options, ExtensionPoint point, String connectionId) {
        Object extensions = options == null ? null : options.get(SETTINGS_KEY);
        if (!(extensions instanceof Map<?, ?> byPoint) || byPoint.get(point.key()) == null) {
            return null;
        }
        String name = String.valueOf(byPoint.get(point.key())).strip();
        if (name.startsWith("direct:")) {
            name = name.substring("direct:".length());
        }
        if (name.isEmpty()) {
            return null;
        }
        if (!ENDPOINT.matcher(name).matches()) {
            throw failed(point, connectionId, "(setting)", "the setting extensions." + point.key() + " is not a route name");
        }
        return name;
    }

    private <R extends BoundRequest> R applied(ExtensionPoint point, EmrConnection connection, String endpoint, R request,
            Map<String, Object> context, Set<String> changeable) {
        Map<String, Object> fields = new LinkedHashMap<>(context);
        fields.putAll(request.valuesByJsonName());
        Map<String, String> changes = changes(point, connection, endpoint, fields, changeable);
        if (changes.isEmpty()) {
            count(point, "unchanged");
            return request;
        }
        for (BodyField field : request.fields()) {
            if (field.required() && changes.containsKey(field.jsonName())
                    && (changes.get(field.jsonName()) == null || changes.get(field.jsonName()).isBlank())) {
                throw failed(point, connection.id(), endpoint, "it removed the required field " + field.jsonName());
            }
        }
        Map<String, String> values = new LinkedHashMap<>(request.valuesByJsonName());
        changes.forEach((field, value) -> {
            if (value == null) {
                values.remove(field);
            } else {
                values.put(field, value);
            }
        });
        @SuppressWarnings("unchecked")
        R changed = (R) request.withValues(values);
        Set<String> refused = new TreeSet<>();
        for (ConstraintViolation<R> violation : validator.validate(changed)) {
            refused.add(violation.getMessage());
        }
        if (!refused.isEmpty()) {
            // the codes of the rules (reason_too_long, ...), never the values
            throw failed(point, connection.id(), endpoint, "changed fields break the request's rules " + refused);
        }
        count(point, "changed");
        return changed;
    }

    /** Runs the team route on the fields; its allowed changes, or a rejection (accepting only) as an ApiException. */
    private Map<String, String> changes(ExtensionPoint point, EmrConnection connection, String endpoint,
            Map<String, Object> fields, Set<String> changeable) {
        Object result = run(point, connection, endpoint, new LinkedHashMap<>(fields));
        if (result instanceof Rejection rejection) {
            if (point != ExtensionPoint.ACCEPTING) {
                throw failed(point, connection.id(), endpoint, "only an accepting route may reject");
            }
            throw rejected(connection.id(), endpoint, rejection);
        }
        if (!(result instanceof Map<?, ?> answered)) {
            throw failed(point, connection.id(), endpoint, "its body is not the map of fields"
                    + (result == null ? " (null)" : " (" + result.getClass().getSimpleName() + ")"));
        }
        Map<String, String> changes = new LinkedHashMap<>();
        Set<String> names = new TreeSet<>(fields.keySet());
        answered.keySet().forEach(key -> names.add(String.valueOf(key)));
        Set<String> forbidden = new TreeSet<>();
        for (String name : names) {
            Object before = fields.get(name);
            Object after = answered.get(name);
            if (after != null && !(after instanceof String || after instanceof Number || after instanceof Boolean)) {
                throw failed(point, connection.id(), endpoint, "field " + safeName(name, fields) + " is not a plain value");
            }
            String was = before == null ? null : String.valueOf(before);
            String now = after == null ? null : String.valueOf(after);
            if (Objects.equals(was, now)) {
                continue;
            }
            if (!changeable.contains(name)) {
                forbidden.add(safeName(name, fields));
            } else {
                changes.put(name, now);
            }
        }
        if (!forbidden.isEmpty()) {
            throw failed(point, connection.id(), endpoint, "it changed fields it may not change " + forbidden);
        }
        return changes;
    }

    /** The team's body after its route ran; a failure of the route is an ExtensionFailedException. */
    private Object run(ExtensionPoint point, EmrConnection connection, String endpoint, Map<String, Object> body) {
        Exchange done;
        try {
            // swaps.call: a reload does not swap the team's routes while the call runs (Camel's direct
            // producer would otherwise hand the exchange to the old route as it is being stopped), and
            // the call waits while a swap runs. block: a route that is not there yet (the engine
            // starting) is waited for; one that never comes fails after the wait
            done = swaps.call(() -> producer().send("direct:" + endpoint + "?block=true&timeout=" + routeWaitMillis, exchange -> {
                exchange.getIn().setBody(body);
                exchange.setProperty(ExchangeProperties.EMR_CONNECTION, connection);
            }));
        } catch (RuntimeException e) {
            throw failed(point, connection.id(), endpoint, e.getClass().getName());
        }
        if (done.getException() != null) {
            throw failed(point, connection.id(), endpoint, done.getException().getClass().getName());
        }
        return done.getMessage().getBody();
    }

    /** The producer template of the calls; a new one after each swap. */
    private ProducerTemplate producer() {
        ProducerTemplate current = producer;
        if (current == null) {
            synchronized (this) {
                current = producer;
                if (current == null) {
                    current = camel.createProducerTemplate();
                    producer = current;
                }
            }
        }
        return current;
    }

    private ApiException rejected(String connectionId, String endpoint, Rejection rejection) {
        String code = rejection.code();
        String message = rejection.message();
        if (!wellFormed(code, message) || (rejection.status() != 400 && rejection.status() != 422)) {
            throw failed(ExtensionPoint.ACCEPTING, connectionId, endpoint,
                    "malformed rejection (code: lowercase snake_case of 2-" + MAX_CODE + "; message: 1-" + MAX_MESSAGE
                            + " characters; status 400 or 422)");
        }
        count(ExtensionPoint.ACCEPTING, "rejected");
        // the team's code and text are not logged: a team may have written anything there
        log.info("extension accepting ({}) of EMR connection {} rejected the request ({})", endpoint, connectionId,
                rejection.status());
        // the one API code that is not the engine's: the team's own (docs/api.md, "Codes of a clinic's extension")
        int status = rejection.status();
        return new ApiException(status, rejection.code(), rejection.message());
    }

    /**
     * A team's code and text as a caller may see them, for an {@code accepting} rejection and an
     * {@code after-match} refusal alike: a lowercase snake_case code of 2 to {@value #MAX_CODE}
     * characters, and 1 to {@value #MAX_MESSAGE} characters of text without control characters.
     */
    static boolean wellFormed(String code, String text) {
        return code != null && code.length() >= 2 && code.length() <= MAX_CODE && CODE.matcher(code).matches()
                && text != null && !text.isBlank() && text.length() <= MAX_MESSAGE
                && text.chars().noneMatch(Character::isISOControl);
    }

    private ExtensionFailedException failed(ExtensionPoint point, String connectionId, String endpoint, String reason) {
        count(point, "failed");
        ExtensionFailedException failure = new ExtensionFailedException(point, connectionId, endpoint, reason);
        log.warn("{}", failure.getMessage());
        return failure;
    }

    /** A field the engine sent is named; a key the team added is not (it could be anything, even a value). */
    private static String safeName(String name, Map<String, Object> sent) {
        return sent.containsKey(name) ? name : "(a key the engine did not send)";
    }

    private void count(ExtensionPoint point, String result) {
        Counter.builder("telenc.extensions").description("team extension routes run, by point and result")
                .tag("point", point.key()).tag("result", result).register(meters).increment();
    }
}
