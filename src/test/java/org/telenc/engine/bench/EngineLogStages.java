package org.telenc.engine.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where an encounter's end-to-end time goes, from the engine's own log lines (wall-clock timestamps,
 * ms; the driver notes the wall-clock time each POST was answered): queue wait (200 answered to the
 * consumer's {@code processing telephone encounter ...}), processing (to {@code ... ended <type>:
 * event <id>}, i.e. EMR steps and the event recorded), delivery (to {@code webhook event <id>
 * delivered}). Log lines carry ids only, never PHI. A line format that changes leaves the columns empty.
 */
final class EngineLogStages {

    private static final Pattern START = Pattern.compile("processing telephone encounter ([0-9a-f]{32}) job");
    private static final Pattern ENDED = Pattern.compile("telephone encounter ([0-9a-f]{32}) job \\S+ ended \\S+: event (evt_\\w+)");
    private static final Pattern DELIVERED = Pattern.compile("webhook event (evt_\\w+) delivered");

    private EngineLogStages() {}

    /** Per-stage durations (ns, from ms timestamps) of the encounters given, those the log accounts for. */
    record Stages(long[] queueWait, long[] processing, long[] delivery) {
        static final Stages NONE = new Stages(new long[0], new long[0], new long[0]);
    }

    /** @param answeredAtMillis encounter id to the wall-clock ms its POST was answered */
    static Stages analyze(Path log, Map<String, Long> answeredAtMillis) {
        Map<String, Long> started = new HashMap<>();
        Map<String, Long> ended = new HashMap<>();
        Map<String, String> eventOf = new HashMap<>();
        Map<String, Long> delivered = new HashMap<>();
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                if (line.length() < 24 || !Character.isDigit(line.charAt(0))) {
                    return;
                }
                Matcher m;
                if ((m = START.matcher(line)).find()) {
                    started.putIfAbsent(m.group(1), time(line));
                } else if ((m = ENDED.matcher(line)).find()) {
                    ended.putIfAbsent(m.group(1), time(line));
                    eventOf.putIfAbsent(m.group(1), m.group(2));
                } else if ((m = DELIVERED.matcher(line)).find()) {
                    delivered.putIfAbsent(m.group(1), time(line));
                }
            });
        } catch (IOException | RuntimeException e) {
            return Stages.NONE;
        }
        ClosedLoop.LongList queue = new ClosedLoop.LongList();
        ClosedLoop.LongList processing = new ClosedLoop.LongList();
        ClosedLoop.LongList delivery = new ClosedLoop.LongList();
        answeredAtMillis.forEach((id, answered) -> {
            Long s = started.get(id);
            Long e = ended.get(id);
            Long d = eventOf.containsKey(id) ? delivered.get(eventOf.get(id)) : null;
            if (s != null) {
                queue.add(Math.max(0, s - answered) * 1_000_000L);
            }
            if (s != null && e != null) {
                processing.add((e - s) * 1_000_000L);
            }
            if (e != null && d != null) {
                delivery.add((d - e) * 1_000_000L);
            }
        });
        return new Stages(queue.toArray(), processing.toArray(), delivery.toArray());
    }

    /** The log line's leading ISO-8601 UTC timestamp, e.g. {@code 2026-11-24T21:51:56.395Z}. */
    private static long time(String line) {
        return Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
    }

    static List<String> patterns() {
        return List.of(START.pattern(), ENDED.pattern(), DELIVERED.pattern());
    }
}
