package org.telenc.engine.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * What the console pages read: counts, statuses, times and opaque ids, never a request payload,
 * an event body, a reason's description, a response excerpt or a secret. Webhook URLs are shown
 * by their host only (a path or query may carry a receiver's token).
 */
@Repository
public class ConsoleQueries {

    /** Rows a list page shows at most. */
    public static final int PAGE_ROWS = 100;

    private static final String JOBS = """
            (select 'encounter' as kind, id, job_id, client_pk, connection_id, status, emr_appointment_id as emr_id,
                    reasons, created_at, updated_at, started_at, swept_at, watchdog_at from telephone_encounter
             union all
             select 'action', id, job_id, client_pk, connection_id, status, note_id, reasons, created_at, updated_at,
                    null, null, watchdog_at from telephone_encounter_action) j""";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ObjectMapper json;
    private final Duration stuckAfter;

    public ConsoleQueries(JdbcTemplate jdbc, Clock clock, ObjectMapper json,
            @Value("${engine.console.stuck-after:15m}") Duration stuckAfter) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.json = json;
        this.stuckAfter = stuckAfter;
    }

    public Duration stuckAfter() {
        return stuckAfter;
    }

    // ---- overview

    public record JobCounts(long inFlight, long stuck) {
    }

    public record ClientOverview(String clientId, long inFlight, long stuck, Map<String, Long> outcomes24h,
            long failedDeliveries, long pendingDeliveries, long disabledEndpoints, long failingEndpoints) {
    }

    /** Per client: jobs in flight and stuck, outcomes of the last 24 h by kind and status, deliveries and endpoints. */
    public List<ClientOverview> clients() {
        Instant now = clock.instant();
        Map<String, JobCounts> jobs = jobCounts("client_pk", now);
        Map<String, Map<String, Long>> outcomes = new LinkedHashMap<>();
        jdbc.query("select client_pk, kind, status, count(*) from " + JOBS
                + " where status <> 'processing' and updated_at >= ? group by client_pk, kind, status",
                rs -> {
                    outcomes.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .put(rs.getString(2) + " " + rs.getString(3), rs.getLong(4));
                }, Timestamp.from(now.minus(Duration.ofHours(24))));
        Map<String, long[]> deliveries = new LinkedHashMap<>();
        jdbc.query("""
                select ev.client_pk, d.status, count(*) from webhook_delivery d join webhook_event ev on ev.id = d.event_id
                 where d.status in ('failed', 'pending') group by ev.client_pk, d.status""", rs -> {
            long[] counts = deliveries.computeIfAbsent(rs.getString(1), k -> new long[2]);
            counts["failed".equals(rs.getString(2)) ? 0 : 1] = rs.getLong(3);
        });
        Map<String, long[]> endpoints = new LinkedHashMap<>();
        jdbc.query("""
                select client_pk, sum(case when status = 'disabled' then 1 else 0 end),
                       sum(case when status = 'enabled' and failing_since is not null then 1 else 0 end)
                  from webhook_endpoint where status <> 'deleted' group by client_pk""",
                rs -> {
                    endpoints.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                });
        List<ClientOverview> rows = new ArrayList<>();
        jdbc.query("select id, client_id from api_client order by client_id", rs -> {
            String pk = rs.getString(1);
            JobCounts j = jobs.getOrDefault(pk, new JobCounts(0, 0));
            long[] d = deliveries.getOrDefault(pk, new long[2]);
            long[] e = endpoints.getOrDefault(pk, new long[2]);
            rows.add(new ClientOverview(rs.getString(2), j.inFlight(), j.stuck(), outcomes.getOrDefault(pk, Map.of()),
                    d[0], d[1], e[0], e[1]));
        });
        return rows;
    }

    /** Jobs in flight and stuck per connection id. */
    public Map<String, JobCounts> connectionJobs() {
        return jobCounts("connection_id", clock.instant());
    }

    private Map<String, JobCounts> jobCounts(String column, Instant now) {
        Map<String, JobCounts> counts = new LinkedHashMap<>();
        jdbc.query("select " + column + ", count(*), sum(case when created_at < ? then 1 else 0 end) from " + JOBS
                + " where status = 'processing' group by " + column, rs -> {
                    counts.put(rs.getString(1), new JobCounts(rs.getLong(2), rs.getLong(3)));
                }, Timestamp.from(now.minus(stuckAfter)));
        return counts;
    }

    // ---- job lookup

    /**
     * The jobs a search term names: a job id, a telephone_encounter_id or action_id, an
     * Idempotency-Key, a webhook event id, or an EMR resource id (the encounter's, or an action's
     * note). Newest first, at most {@link #PAGE_ROWS}.
     */
    public List<Long> findJobs(String term) {
        String q = term == null ? "" : term.strip();
        if (q.isEmpty() || q.length() > 255) {
            return List.of();
        }
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select job_id from (");
        if (q.matches("\\d{1,18}")) {
            sql.append("select job_id from telephone_encounter where job_id = ? union ");
            sql.append("select job_id from telephone_encounter_action where job_id = ? union ");
            args.add(Long.parseLong(q));
            args.add(Long.parseLong(q));
        }
        sql.append("""
                select job_id from telephone_encounter where id = ? or emr_appointment_id = ?
                union select job_id from telephone_encounter_action where id = ? or note_id = ? or emr_appointment_id = ?
                union select job_id from webhook_event where id = ?
                union select e.job_id from idempotency_key k join telephone_encounter e on e.id = k.encounter_id where k.idem_key = ?
                union select a.job_id from idempotency_key k join telephone_encounter_action a on a.id = k.encounter_id where k.idem_key = ?
                ) found where job_id is not null order by job_id desc limit ?""");
        for (int i = 0; i < 8; i++) {
            args.add(q);
        }
        args.add(PAGE_ROWS);
        return jdbc.queryForList(sql.toString(), Long.class, args.toArray());
    }

    public record Job(long jobId, String kind, String id, String clientId, String connectionId, String connectionName,
            String status, String emrResourceId, List<String> reasonCodes, Instant createdAt, Instant startedAt,
            Instant sweptAt, Instant watchdogAt, Instant updatedAt, List<Event> events, List<TimelineEntry> timeline) {
    }

    /**
     * One line of a job's timeline: when (to the second), its kind ({@code job}, {@code emr_call},
     * {@code extension}, {@code event}), what, how long it took (null: a moment) and whether it is a
     * failure (an EMR call not ok, a failed extension point, a failed outcome).
     */
    public record TimelineEntry(Instant at, String kind, String what, Long durationMs, boolean failed) {
    }

    /** One EMR call or extension point run of a job (job_step). */
    record Step(Instant at, String kind, String name, String outcome, Integer httpStatus, long durationMs) {
    }

    public record Event(String id, String type, Instant createdAt, List<Delivery> deliveries) {
    }

    public record Delivery(String id, String eventId, String eventType, String clientId, String endpointId, String host,
            String status, int attemptCount, Instant nextAttemptAt, Integer lastStatusCode, Instant createdAt, Long jobId,
            List<Attempt> attempts) {
    }

    public record Attempt(int number, Instant at, Integer statusCode, long latencyMs, String error) {
    }

    public java.util.Optional<Job> job(long jobId) {
        Instant[] precise = new Instant[5]; // created, started, swept, watchdog, updated: to the microsecond, for the order
        List<Job> found = jdbc.query("select j.kind, j.id, c.client_id, j.connection_id, n.name, j.status, j.emr_id, j.reasons,"
                + " j.created_at, j.started_at, j.swept_at, j.watchdog_at, j.updated_at from " + JOBS
                + " join api_client c on c.id = j.client_pk join emr_connection n on n.id = j.connection_id where j.job_id = ?",
                (rs, i) -> {
                    for (int column = 9; column <= 13; column++) {
                        Timestamp t = rs.getTimestamp(column);
                        precise[column - 9] = t == null ? null : t.toInstant();
                    }
                    return new Job(jobId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), reasonCodes(rs.getString(8)), instant(rs, 9), instant(rs, 10),
                            instant(rs, 11), instant(rs, 12), instant(rs, 13), List.of(), List.of());
                }, jobId);
        if (found.isEmpty()) {
            return java.util.Optional.empty();
        }
        Job job = found.get(0);
        String column = "encounter".equals(job.kind()) ? "encounter_id" : "action_id";
        Map<String, Instant> eventsAt = new LinkedHashMap<>();
        List<Event> events = jdbc.query("select id, event_type, created_at from webhook_event where " + column
                + " = ? order by created_at", (rs, i) -> {
                    eventsAt.put(rs.getString(1), rs.getTimestamp(3).toInstant());
                    return new Event(rs.getString(1), rs.getString(2), instant(rs, 3),
                            deliveries(DeliveryFilter.ofEvent(rs.getString(1)), PAGE_ROWS, true));
                }, job.id());
        List<Sorted> lines = new ArrayList<>();
        line(lines, precise[0], "job", "accepted", null, false);
        line(lines, precise[1], "job", "picked up by a consumer", null, false);
        line(lines, precise[2], "job", "queued again by the intake sweep", null, false);
        line(lines, precise[3], "job", "queued again by the watchdog", null, false);
        for (Step step : steps(jobId)) {
            if ("emr_call".equals(step.kind())) {
                String answer = step.httpStatus() == null ? "no answer" : "HTTP " + step.httpStatus();
                line(lines, step.at(), "emr_call", "EMR call " + step.name() + ": " + answer + " (" + step.outcome() + ")",
                        step.durationMs(), !"ok".equals(step.outcome()));
            } else {
                line(lines, step.at(), "extension", "extension point " + step.name() + ": " + step.outcome(), step.durationMs(),
                        !"ok".equals(step.outcome()));
            }
        }
        if (!"processing".equals(job.status())) {
            line(lines, precise[4], "job", "outcome: " + job.status(), null, "failed".equals(job.status()));
        }
        for (Event e : events) {
            line(lines, eventsAt.get(e.id()), "event", "webhook event " + e.type() + " " + e.id(), null, false);
        }
        // by time; a tie keeps the order above (a job's row times and its steps' may fall in one millisecond)
        lines.sort(java.util.Comparator.comparing(Sorted::at));
        List<TimelineEntry> timeline = lines.stream().map(Sorted::entry).toList();
        return java.util.Optional.of(new Job(job.jobId(), job.kind(), job.id(), job.clientId(), job.connectionId(),
                job.connectionName(), job.status(), job.emrResourceId(), job.reasonCodes(), job.createdAt(), job.startedAt(),
                job.sweptAt(), job.watchdogAt(), job.updatedAt(), events, timeline));
    }

    private record Sorted(Instant at, TimelineEntry entry) {
    }

    private static void line(List<Sorted> lines, Instant at, String kind, String what, Long durationMs, boolean failed) {
        if (at != null) {
            lines.add(new Sorted(at, new TimelineEntry(at.truncatedTo(ChronoUnit.SECONDS), kind, what, durationMs, failed)));
        }
    }

    /** A job's EMR calls and extension point runs, oldest first (names, statuses and durations only). */
    List<Step> steps(long jobId) {
        return jdbc.query("select at, kind, name, outcome, http_status, duration_ms from job_step where job_id = ?"
                + " order by at, id limit ?", (rs, i) -> new Step(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                        rs.getString(4), (Integer) rs.getObject(5), rs.getLong(6)), jobId, STEP_ROWS);
    }

    /** Steps a job page shows at most (a job deferred many times makes many). */
    static final int STEP_ROWS = 500;

    private List<String> reasonCodes(String reasons) {
        List<String> codes = new ArrayList<>();
        if (reasons == null || reasons.isBlank()) {
            return codes;
        }
        try {
            for (JsonNode reason : json.readTree(reasons)) {
                if (reason.hasNonNull("code")) {
                    codes.add(reason.get("code").asText()); // the code only: a description may quote the request
                }
            }
        } catch (Exception e) {
            codes.add("unreadable");
        }
        return codes;
    }

    // ---- deliveries

    /**
     * A filter of the deliveries page; every field optional. {@code from} (inclusive) and
     * {@code to} (exclusive) are UTC times as a datetime-local input sends them
     * ({@code 2026-12-07T06:30}, seconds allowed); {@code since} is one of {@link #SINCE}'s keys and
     * narrows to the last hour, day or week. A time that does not parse refuses the filter
     * ({@link BadFilter}, when applied), never widens it.
     */
    public record DeliveryFilter(String client, String endpoint, String eventType, String status, String event, String from,
            String to, String since) {
        public DeliveryFilter {
            client = blankToNull(client);
            endpoint = blankToNull(endpoint);
            eventType = blankToNull(eventType);
            status = blankToNull(status);
            event = blankToNull(event);
            from = blankToNull(from);
            to = blankToNull(to);
            since = blankToNull(since);
        }

        public static DeliveryFilter ofEvent(String event) {
            return new DeliveryFilter(null, null, null, null, event, null, null, null);
        }

        public DeliveryFilter failedOnly() {
            return new DeliveryFilter(client, endpoint, eventType, "failed", event, from, to, since);
        }
    }

    /** The choices of the deliveries page's "last" filter. */
    public static final Map<String, Duration> SINCE = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7));

    /** A filter that cannot be applied as given (a time that does not parse). */
    public static final class BadFilter extends RuntimeException {
        public BadFilter(String message) {
            super(message, null, false, false);
        }
    }

    private static Instant utc(String time, String name) {
        if (time == null) {
            return null;
        }
        try {
            return java.time.LocalDateTime.parse(time).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadFilter(name + " must be a UTC date and time such as 2026-12-07T06:30.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static final String DELIVERIES = """
            select d.id, d.event_id, ev.event_type, c.client_id, d.endpoint_id, d.url, d.status, d.attempt_count,
                   d.next_attempt_at, d.last_status_code, d.created_at, ev.job_id
              from webhook_delivery d join webhook_event ev on ev.id = d.event_id join api_client c on c.id = ev.client_pk
            """;

    private static Delivery delivery(ResultSet rs) throws SQLException {
        return new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                host(rs.getString(6)), rs.getString(7), rs.getInt(8), instant(rs, 9), (Integer) rs.getObject(10), instant(rs, 11),
                rs.getObject(12) == null ? null : rs.getLong(12), List.of());
    }

    public java.util.Optional<Delivery> delivery(String id) {
        return jdbc.query(DELIVERIES + " where d.id = ?", (rs, i) -> delivery(rs), id).stream().findFirst();
    }

    public List<Delivery> deliveries(DeliveryFilter filter, int limit, boolean withAttempts) {
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        args.add(limit);
        List<Delivery> rows = jdbc.query(DELIVERIES + where + " order by d.created_at desc, d.id limit ?", (rs, i) -> delivery(rs),
                args.toArray());
        if (!withAttempts) {
            return rows;
        }
        return rows.stream().map(d -> new Delivery(d.id(), d.eventId(), d.eventType(), d.clientId(), d.endpointId(), d.host(),
                d.status(), d.attemptCount(), d.nextAttemptAt(), d.lastStatusCode(), d.createdAt(), d.jobId(), attempts(d.id())))
                .toList();
    }

    private List<Attempt> attempts(String deliveryId) {
        return jdbc.query("select attempt_no, attempted_at, status_code, latency_ms, error from webhook_attempt"
                + " where delivery_id = ? order by attempt_no", (rs, i) -> new Attempt(rs.getInt(1), instant(rs, 2),
                        (Integer) rs.getObject(3), rs.getLong(4), rs.getString(5)), deliveryId);
    }

    /**
     * The failed deliveries a bulk recovery would queue again: those of the filter that are the
     * latest delivery of their event to their endpoint (one recovered before is not again), to an
     * endpoint still enabled.
     */
    public long recoverableCount(DeliveryFilter filter) {
        List<Object> args = new ArrayList<>();
        Long n = jdbc.queryForObject("select count(*) from webhook_delivery d join webhook_event ev on ev.id = d.event_id"
                + " join api_client c on c.id = ev.client_pk" + where(filter.failedOnly(), args) + RECOVERABLE, Long.class,
                args.toArray());
        return n == null ? 0 : n;
    }

    public List<String> recoverableIds(DeliveryFilter filter, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(filter.failedOnly(), args);
        args.add(limit);
        return jdbc.queryForList("select d.id from webhook_delivery d join webhook_event ev on ev.id = d.event_id"
                + " join api_client c on c.id = ev.client_pk" + where + RECOVERABLE + " order by d.created_at limit ?",
                String.class, args.toArray());
    }

    // starts with a space: it follows a parameter, and PostgreSQL refuses "$1and" (H2 takes it)
    private static final String RECOVERABLE = " " + """
             and not exists (select 1 from webhook_delivery later where later.event_id = d.event_id
                              and later.endpoint_id = d.endpoint_id and later.created_at > d.created_at)
             and exists (select 1 from webhook_endpoint e where e.id = d.endpoint_id and e.status = 'enabled')""";

    private String where(DeliveryFilter filter, List<Object> args) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        if (filter.client() != null) {
            where.append(" and c.client_id = ?");
            args.add(filter.client());
        }
        if (filter.endpoint() != null) {
            where.append(" and d.endpoint_id = ?");
            args.add(filter.endpoint());
        }
        if (filter.eventType() != null) {
            where.append(" and ev.event_type = ?");
            args.add(filter.eventType());
        }
        if (filter.status() != null) {
            where.append(" and d.status = ?");
            args.add(filter.status());
        }
        if (filter.event() != null) {
            where.append(" and d.event_id = ?");
            args.add(filter.event());
        }
        if (filter.from() != null) {
            where.append(" and d.created_at >= ?");
            args.add(Timestamp.from(utc(filter.from(), "from")));
        }
        if (filter.to() != null) {
            where.append(" and d.created_at < ?");
            args.add(Timestamp.from(utc(filter.to(), "to")));
        }
        if (filter.since() != null) {
            if (!SINCE.containsKey(filter.since())) {
                throw new BadFilter("since must be 1h, 24h or 7d.");
            }
            where.append(" and d.created_at >= ?");
            args.add(Timestamp.from(clock.instant().minus(SINCE.get(filter.since()))));
        }
        return where.toString();
    }

    /** The host (and port) of a URL: what a page shows of a webhook URL. */
    static String host(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() == null ? "?" : uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    // ---- endpoints and connections

    public record EndpointRow(String id, String clientId, String host, String scheme, String status, Instant failingSince,
            long consecutiveFailures, Duration secretAge) {
    }

    /**
     * Webhook endpoints (not deleted): health, failed attempts since the last success, and how old
     * the signing secret is (since the last rotation, or since the endpoint was registered).
     */
    public List<EndpointRow> endpoints() {
        Instant now = clock.instant();
        return jdbc.query("""
                select e.id, c.client_id, e.url, e.signature_scheme, e.status, e.failing_since,
                       (select count(*) from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id
                         where d.endpoint_id = e.id and (a.status_code is null or a.status_code < 200 or a.status_code > 299)
                           and a.attempted_at > coalesce((select max(s.attempted_at) from webhook_attempt s
                                 join webhook_delivery sd on sd.id = s.delivery_id
                                 where sd.endpoint_id = e.id and s.status_code between 200 and 299), ?)),
                       e.previous_secret_expires_at, e.created_at
                  from webhook_endpoint e join api_client c on c.id = e.client_pk
                 where e.status <> 'deleted' order by c.client_id, e.created_at limit ?""", (rs, i) -> {
            Instant previousExpires = instant(rs, 8);
            // a rotation keeps the previous secret 24 hours: the current one is that much younger
            Instant secretSince = previousExpires != null ? previousExpires.minus(Duration.ofHours(24)) : instant(rs, 9);
            return new EndpointRow(rs.getString(1), rs.getString(2), host(rs.getString(3)), rs.getString(4), rs.getString(5),
                    instant(rs, 6), rs.getLong(7), secretSince == null ? null : Duration.between(secretSince, now).truncatedTo(ChronoUnit.MINUTES));
        }, Timestamp.from(Instant.EPOCH), 500);
    }

    public record Capabilities(Boolean telephoneEncounters, String capabilities) {
    }

    /** What the last sync found each connection's EMR can do, by connection id. */
    public Map<String, Capabilities> capabilities() {
        Map<String, Capabilities> byId = new LinkedHashMap<>();
        jdbc.query("select id, telephone_encounters, capabilities from emr_connection", rs -> {
            byId.put(rs.getString(1), new Capabilities((Boolean) rs.getObject(2), rs.getString(3)));
        });
        return byId;
    }

    // ---- audit

    public record AuditRow(Instant at, String actorType, String actor, String operation, String objectId, String outcome,
            String reason) {
    }

    public record AuditFilter(String actor, String operation, String object) {
        public AuditFilter {
            actor = blankToNull(actor);
            operation = blankToNull(operation);
            object = blankToNull(object);
        }
    }

    public List<AuditRow> audit(AuditFilter filter) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (filter.actor() != null) {
            where.append(" and actor = ?");
            args.add(filter.actor());
        }
        if (filter.operation() != null) {
            where.append(" and operation = ?");
            args.add(filter.operation());
        }
        if (filter.object() != null) {
            where.append(" and object_id = ?");
            args.add(filter.object());
        }
        args.add(PAGE_ROWS);
        return jdbc.query("select at, actor_type, actor, operation, object_id, outcome, reason from audit_log" + where
                + " order by at desc, id desc limit ?", (rs, i) -> new AuditRow(instant(rs, 1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)), args.toArray());
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        // to the second: what an operator reads, and no long digit runs beside the ids on a page
        return t == null ? null : t.toInstant().truncatedTo(ChronoUnit.SECONDS);
    }
}
