package org.telenc.engine.action;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The note line an action appends to an encounter: {@code [2026-11-24 10:15 EST] Jane Nurse: text}.
 * The time is the moment of processing in the clinic's time zone, shown with the zone's short name
 * (EST/EDT, UTC, ...); the name is the acting staff member's, or their EMR id when none is known.
 */
public final class NoteLines {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.US);

    private NoteLines() {
    }

    public static String format(Instant at, ZoneId zone, String staffName, String staffEhrId, String text) {
        String who = staffName == null || staffName.isBlank() ? staffEhrId : staffName.strip();
        return "[" + STAMP.format(at.atZone(zone)) + "] " + who + ": " + text;
    }
}
