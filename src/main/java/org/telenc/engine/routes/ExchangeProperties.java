package org.telenc.engine.routes;

/**
 * Names of the exchange properties the routes and the beans share. Every name a route sets or
 * reads and every {@code @ExchangeProperty} a bean binds is one of these (Camel's own
 * {@code Camel...} properties aside), and each object has one name: {@code RouteBeanContractTest}
 * checks both, failing on two properties set to the same value.
 */
public final class ExchangeProperties {

    /** The authenticated API caller ({@code Caller}), set first by every API route. */
    public static final String CALLER = "caller";
    /** {@code http} or {@code mq}: which intake channel runs the intake route. */
    public static final String INTAKE_CHANNEL = "intakeChannel";
    /** The Idempotency-Key lookup of an intake request (a replay or a reservation). */
    public static final String IDEMPOTENCY = "idempotency";
    /** What intake stored for an accepted request: the queue message and its message group. */
    public static final String ACCEPTED = "accepted";
    /** The job a process route works on, whatever its kind (telephone encounter, add action). */
    public static final String JOB = "job";
    /** A job the watchdog found stuck ({@code JobWatchdog.Stuck}): re-queue it, or end it failed. */
    public static final String STUCK = "stuck";
    /** The JMS message group of the job being processed, kept for re-queueing it. */
    public static final String MESSAGE_GROUP = "messageGroup";
    /**
     * The EMR connection every EMR call of the exchange goes to: the job's connection in a process
     * route, the connection being synced in a sync run. The adapters, the EMR call guard and the
     * authorization bind it.
     */
    public static final String EMR_CONNECTION = "emrConnection";
    /** The input record of an adapter operation, kept while the operation makes more than one call. */
    public static final String FHIR_INPUT = "fhirInput";
    /** The input record of an operation of an adapter written in YAML (emr.rest beans), kept for its calls. */
    public static final String EMR_INPUT = "emrInput";
    /** The REST call of a YAML adapter being made ({@code EmrRestCall}): operation, method, url, body, key. */
    public static final String EMR_REST_CALL = "emrRestCall";
    /** The connect and response timeout of a YAML adapter's calls, ms (the template emr-rest-call's timeoutMs). */
    public static final String EMR_REST_TIMEOUT_MS = "emrRestTimeoutMs";
    /** The Accept header of a YAML adapter's calls (the template emr-rest-call's accept). */
    public static final String EMR_REST_ACCEPT = "emrRestAccept";
    /** The template emr-rest-call's paging parameters for its calls: pageNext, pageToken, pageTokenParam, pageItems, maxPages. */
    public static final String EMR_REST_PAGE_NEXT = "emrRestPageNext";
    public static final String EMR_REST_PAGE_TOKEN = "emrRestPageToken";
    public static final String EMR_REST_PAGE_TOKEN_PARAM = "emrRestPageTokenParam";
    public static final String EMR_REST_PAGE_ITEMS = "emrRestPageItems";
    public static final String EMR_REST_MAX_PAGES = "emrRestMaxPages";
    /** The pages of a YAML adapter's call followed so far ({@code EmrRestPages.Paging}; the template emr-rest-call's page* parameters). */
    public static final String EMR_REST_PAGING = "emrRestPaging";
    /** What a YAML adapter's reference pull has collected so far, by list name (emr.rest beans). */
    public static final String EMR_REFERENCES = "emrReferences";
    /** What add-encounter-details could not add (the FHIR adapter's Communication, Task), collected across its calls. */
    public static final String FHIR_DETAILS_NOT_ADDED = "fhirDetailsNotAdded";
    /** The FHIR call being made: method, url, body and conditional headers. */
    public static final String FHIR_CALL = "fhirCall";
    /**
     * The camel-http endpoint option naming the connection's SSL context ({@code emrTls.endpointOption}),
     * empty for a connection without TLS settings: what the FHIR adapter's and the REST transport's
     * HTTP step append to their endpoint URI.
     */
    public static final String EMR_TLS_OPTION = "emrTlsOption";
    /** The timer sample of the EMR call in flight. */
    public static final String EMR_CALL_SAMPLE = "emrCallSample";
    /** The pages of a paged FHIR search read so far. */
    public static final String FHIR_PAGES = "fhirPages";
    /** The pharmacy-list write in progress (read, change, conditional write). */
    public static final String PHARMACY_WRITE = "pharmacyWrite";
    /** The write-encounter transaction in progress (which optional entries it carries). */
    public static final String ENCOUNTER_TRANSACTION = "encounterTransaction";
    /** The reference pull in progress of a sync run. */
    public static final String PULL = "pull";
    /** {@code main} or {@code retry}: which delivery queue a webhook attempt came from. */
    public static final String LANE = "lane";
    /** The webhook delivery attempt being made. */
    public static final String ATTEMPT = "attempt";
    /**
     * The webhook event a resend was asked for. The API hands the event's id on as the path
     * parameter header {@link MessageHeaders#EVENT_ID} ({@code event_id}); the resend route keeps
     * it in this property, as the same value under the engine's own spelling, before the header
     * is dropped.
     */
    public static final String EVENT_ID = "eventId";
    /** The deliveries a resend queued. */
    public static final String DELIVERIES = "deliveries";
    /** Where the MQ intake sends its reply. */
    public static final String REPLY_TO = "replyTo";
    /** The correlation id of the MQ intake's reply. */
    public static final String CORRELATION_ID = "correlationId";
    /** The MQ intake's sender as the broker named it ({@code QueueProducer}); an HTTP call cannot set it. */
    public static final String QUEUE_PRODUCER = "queueProducer";
    /** The JMS message id of the MQ intake's request, echoed on its answer. */
    public static final String REQUEST_MESSAGE_ID = "requestMessageId";
    /** The HTTP status the intake route answered an MQ intake request with (set by the queue intake bean). */
    public static final String INTAKE_STATUS = "intakeStatus";

    private ExchangeProperties() {
    }
}
