package org.telenc.engine.webhook;

import static org.telenc.engine.webhook.WebhookBodies.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.intake.RequestParser;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.Caller;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.webhook.WebhookBodies.Done;
import org.telenc.engine.webhook.WebhookBodies.EventPage;
import org.telenc.engine.webhook.WebhookBodies.EventRow;
import org.telenc.engine.webhook.WebhookBodies.Listed;
import org.telenc.engine.webhook.WebhookBodies.NewSecret;
import org.telenc.engine.webhook.WebhookBodies.Pagination;
import org.telenc.engine.webhook.WebhookBodies.Register;
import org.telenc.engine.webhook.WebhookBodies.Registered;
import org.telenc.engine.webhook.WebhookBodies.Resent;
import org.telenc.engine.webhook.WebhookBodies.Rotated;
import org.telenc.engine.webhook.WebhookBodies.StoredEvent;
import org.telenc.engine.webhook.WebhookBodies.Url;
import org.telenc.engine.webhook.signing.SignatureScheme;
import org.telenc.engine.webhook.signing.WebhookSignatures;

/** Webhook URL management (docs/api.md "Webhook URLs: register, list, remove, rotate") and the event log of a client. */
@Component("webhookApi")
public class WebhookApi {

    private final WebhookRepository webhooks;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final EngineProperties properties;
    private final WebhookDestinationGuard guard;
    private final Clock clock;

    public WebhookApi(WebhookRepository webhooks, JdbcTemplate jdbc, ObjectMapper json, EngineProperties properties,
            WebhookDestinationGuard guard, Clock clock) {
        this.guard = guard;
        this.clock = clock;
        this.webhooks = webhooks;
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
    }

    public String register(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Body String body) {
        Register request = bind(RequestParser.readObject(body));
        if (request.webhookUrl() == null || request.webhookUrl().isBlank()) {
            throw new ApiException(400, "missing_required_field", "Missing required field: webhook_url");
        }
        String url = request.webhookUrl().strip();
        validateUrl(url);
        SignatureScheme scheme = request.signatureScheme() == null ? SignatureScheme.COBALT
                : SignatureScheme.fromWireName(request.signatureScheme()).orElseThrow(() -> new ApiException(400,
                        "invalid_signature_scheme", "signature_scheme must be \"cobalt\" or \"standard\"."));
        String secret = scheme == SignatureScheme.STANDARD ? WebhookSignatures.newStandardSecret()
                : WebhookSignatures.newCobaltSecret();
        String id = Secrets.newId();
        webhooks.insertEndpoint(new WebhookRepository.Endpoint(id, caller.clientPk(), url, scheme.wireName(), "enabled"), secret);
        return write(json, new Registered(true, id, url, secret));
    }

    public String list(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller) {
        return write(json, new Listed(true, webhooks.endpoints(caller.clientPk()).stream()
                .map(e -> new Url(e.id(), e.url(), e.scheme(), e.status())).toList()));
    }

    public String delete(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Header(MessageHeaders.ID) String id) {
        WebhookRepository.Endpoint endpoint = webhooks.endpoint(id == null ? "" : id)
                .filter(e -> e.clientPk().equals(caller.clientPk()) && !"deleted".equals(e.status()))
                .orElseThrow(() -> new ApiException(404, "webhook_not_found", "Webhook not found."));
        webhooks.setEndpointStatus(endpoint.id(), "deleted");
        return write(json, new Done(true, "Webhook URL removed successfully"));
    }

    /** Rotate: a new secret now; the old one keeps verifying for 24 hours. */
    public String rotateSecret(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Header(MessageHeaders.ID) String id) {
        WebhookRepository.Endpoint endpoint = webhooks.endpoint(id == null ? "" : id)
                .filter(e -> e.clientPk().equals(caller.clientPk()) && !"deleted".equals(e.status()))
                .orElseThrow(() -> new ApiException(404, "webhook_not_found", "Webhook not found."));
        return write(json, new Rotated(true, new NewSecret(endpoint.id(), rotate(endpoint))));
    }

    /**
     * The one rotation of a URL's signing secret (the API's and the console's): a new secret of the
     * URL's scheme becomes current now, the old one keeps verifying for 24 hours. Answers the new
     * secret, for its one showing to whoever rotated it; it is never logged.
     */
    public String rotate(WebhookRepository.Endpoint endpoint) {
        String secret = SignatureScheme.STANDARD.wireName().equals(endpoint.scheme())
                ? WebhookSignatures.newStandardSecret() : WebhookSignatures.newCobaltSecret();
        webhooks.rotateSecret(endpoint.id(), secret, clock.instant().plus(Duration.ofHours(24)));
        return secret;
    }

    /** Resend: a new pending delivery of the same event (same id and bytes) to every enabled URL. */
    @Transactional
    public List<String> resend(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Header(MessageHeaders.EVENT_ID) String eventId) {
        WebhookRepository.Event event = webhooks.event(eventId == null ? "" : eventId)
                .filter(e -> e.clientPk().equals(caller.clientPk()))
                .orElseThrow(() -> new ApiException(404, "webhook_event_not_found", "Webhook event not found."));
        List<String> deliveries = new ArrayList<>();
        for (WebhookRepository.Endpoint endpoint : webhooks.endpoints(caller.clientPk())) {
            if ("enabled".equals(endpoint.status())) {
                String id = Secrets.newId();
                webhooks.insertDelivery(id, event.id(), endpoint);
                deliveries.add(WebhookDeliveries.deliveryMessage(id));
            }
        }
        return deliveries;
    }

    public String resent(@Header(MessageHeaders.EVENT_ID) String eventId, @Body List<String> deliveries) {
        return write(json, new Resent(true, "Webhook event queued for delivery.", eventId, deliveries.size()));
    }

    public String events(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Header(MessageHeaders.JOB_ID) String jobId,
            @Header(MessageHeaders.EVENT_TYPE) String eventType, @Header(MessageHeaders.DELIVERY_STATUS) String deliveryStatus,
            @Header(MessageHeaders.START_DATE) String startDate, @Header(MessageHeaders.END_DATE) String endDate, @Header(MessageHeaders.PAGE) String page,
            @Header(MessageHeaders.PAGE_SIZE) String pageSize, @Header(MessageHeaders.SORT) String sort) throws Exception {
        int pageNo = intParam("page", page, 1, 1, Integer.MAX_VALUE);
        int size = intParam("page_size", pageSize, 50, 1, 100);
        String order = sort == null || sort.equals("-created_at") ? "desc"
                : sort.equals("created_at") ? "asc" : null;
        if (order == null) {
            throw ApiException.badParameter("sort", "created_at or -created_at");
        }
        StringBuilder where = new StringBuilder(" from webhook_event e left join webhook_delivery d on d.event_id = e.id where e.client_pk = ?");
        List<Object> args = new ArrayList<>(List.of(caller.clientPk()));
        if (jobId != null) {
            where.append(" and e.job_id = ?");
            args.add(longParam("job_id", jobId));
        }
        if (eventType != null) {
            where.append(" and e.event_type = ?");
            args.add(eventType);
        }
        if (deliveryStatus != null) {
            if (!List.of("success", "failed", "pending").contains(deliveryStatus)) {
                throw ApiException.badParameter("delivery_status", "success, failed or pending");
            }
            where.append(" and coalesce(d.status, 'pending') = ?");
            args.add(deliveryStatus);
        }
        if (startDate != null) {
            where.append(" and e.created_at >= ?");
            args.add(Timestamp.from(instantParam("start_date", startDate, false)));
        }
        if (endDate != null) {
            where.append(" and e.created_at < ?");
            args.add(Timestamp.from(instantParam("end_date", endDate, true)));
        }
        Long total = jdbc.queryForObject("select count(*)" + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) (pageNo - 1) * size);
        List<EventRow> rows = jdbc.query("select e.id, e.event_type, d.url, coalesce(d.status, 'pending'), e.body, e.created_at, e.job_id, e.access_token_reference_id"
                + where + " order by e.created_at " + order + ", e.id, d.id limit ? offset ?", (rs, i) -> new EventRow(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), storedData(rs.getString(5)),
                        rs.getTimestamp(6).toInstant().toString(), String.valueOf(rs.getLong(7)), rs.getString(8)),
                pageArgs.toArray());
        long count = total == null ? 0 : total;
        return write(json, new EventPage(true, rows, new Pagination(pageNo, (count + size - 1) / size, count, size)));
    }

    private Register bind(JsonNode request) {
        try {
            return json.treeToValue(request, Register.class);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidJson();
        }
    }

    private JsonNode storedData(String body) {
        try {
            return json.readValue(body, StoredEvent.class).data();
        } catch (Exception e) {
            throw new IllegalStateException("stored event is not JSON");
        }
    }

    private void validateUrl(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme();
            boolean allowed = "https".equals(scheme) || ("http".equals(scheme) && properties.webhook().allowInsecureUrls());
            if (!allowed || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_webhook_url", properties.webhook().allowInsecureUrls()
                    ? "webhook_url must be an absolute http or https URL." : "webhook_url must be an absolute https URL.");
        }
        if (guard.refusesLiteral(URI.create(url).getHost())) {
            throw new ApiException(400, "invalid_webhook_url",
                    "webhook_url must not point at a private or reserved address.");
        }
    }

    private static int intParam(String name, String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "an integer from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max));
        }
    }

    private static long longParam(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "a job id");
        }
    }

    private static Instant instantParam(String name, String value, boolean endOfDay) {
        try {
            if (value.length() == 10) {
                LocalDate date = LocalDate.parse(value);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return Instant.parse(value);
        } catch (RuntimeException e) {
            throw ApiException.badParameter(name, "a date (YYYY-MM-DD) or an ISO 8601 instant");
        }
    }
}
