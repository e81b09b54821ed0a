package org.telenc.engine.routes;

/**
 * Names of the message headers the routes and the beans share: the HTTP request's path and query
 * parameters and headers as the REST routes hand them on, the headers of EMR calls and JMS
 * messages, and the engine's own. Every header a route sets or reads and every {@code @Header} a
 * bean binds is one of these (Camel's own {@code Camel...} headers aside);
 * {@code RouteBeanContractTest} checks it.
 */
public final class MessageHeaders {

    // API credentials and request headers
    public static final String AUTHORIZATION = "Authorization";
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_SECRET = "client_secret";
    public static final String ACCESS_TOKEN = "access_token";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    // path parameters of the API and the admin API
    /** {@code {id}}: a telephone encounter's job id or a webhook's id. */
    public static final String ID = "id";
    /** {@code {event_id}}: a webhook event. */
    public static final String EVENT_ID = "event_id";
    /** {@code {clientId}} of the admin API. */
    public static final String ADMIN_CLIENT_ID = "clientId";
    /** {@code {connectionId}} of the admin API: a connection's id or name. */
    public static final String CONNECTION_ID = "connectionId";
    /** {@code {tokenId}} of the admin API. */
    public static final String TOKEN_ID = "tokenId";

    // query parameters of the webhook-event list
    public static final String JOB_ID = "job_id";
    public static final String EVENT_TYPE = "event_type";
    public static final String DELIVERY_STATUS = "delivery_status";
    public static final String START_DATE = "start_date";
    public static final String END_DATE = "end_date";
    public static final String PAGE = "page";
    public static final String PAGE_SIZE = "page_size";
    public static final String SORT = "sort";

    // HTTP headers of answers and EMR calls
    public static final String ACCEPT = "Accept";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CACHE_CONTROL = "Cache-Control";
    public static final String IF_MATCH = "If-Match";
    public static final String IF_NONE_EXIST = "If-None-Exist";
    public static final String LOCATION = "Location";
    public static final String ETAG = "ETag";
    public static final String RETRY_AFTER = "Retry-After";

    // JMS and broker headers
    public static final String JMS_MESSAGE_ID = "JMSMessageID";
    /** {@code untied} on a job message the job-faults handler dead-lettered itself (tied to no request). */
    public static final String JMS_TYPE = "JMSType";
    public static final String JMS_CORRELATION_ID = "JMSCorrelationID";
    public static final String JMS_REPLY_TO = "JMSReplyTo";
    public static final String JMSX_DELIVERY_COUNT = "JMSXDeliveryCount";
    public static final String JMSX_GROUP_ID = "JMSXGroupID";
    /** ActiveMQ's scheduler: deliver the message after this many milliseconds. */
    public static final String AMQ_SCHEDULED_DELAY = "AMQ_SCHEDULED_DELAY";

    // the engine's own
    /** The one connection an on-demand reference sync runs for (absent: every connection). */
    public static final String SYNC_CONNECTION_ID = "syncConnectionId";
    /** The MQ intake's reply: the HTTP status the intake answered with. */
    public static final String STATUS = "status";
    /** The MQ intake's reply: the error code of a refused request. */
    public static final String ERROR = "error";
    /** Every MQ intake answer: the JMS message id of the request it answers. */
    public static final String REQUEST_MESSAGE_ID = "request_message_id";
    /** The MQ intake's reply: the client it is for (the broker checks a temporary queue is that client's). */
    public static final String REPLY_FOR_CLIENT = "reply_for_client";
    /** A settings change on the replicas' topic: the replica that wrote (its own messages come back to it and are skipped). */
    public static final String SETTINGS_SENDER = "engineSettingsSender";

    private MessageHeaders() {
    }
}
