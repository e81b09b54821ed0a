package org.telenc.engine.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The note line of an action, without Camel or Spring. */
class NoteLinesTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void stampsTheTimeInTheClinicsZoneWithItsShortName() {
        assertThat(NoteLines.format(Instant.parse("2026-11-24T15:15:42Z"), NEW_YORK, "Jane Nurse", "12220", "Called back"))
                .isEqualTo("[2026-11-24 10:15 EST] Jane Nurse: Called back");
        assertThat(NoteLines.format(Instant.parse("2026-07-04T15:15:00Z"), NEW_YORK, "Jane Nurse", "12220", "x"))
                .isEqualTo("[2026-07-04 11:15 EDT] Jane Nurse: x");
        assertThat(NoteLines.format(Instant.parse("2026-11-24T15:15:00Z"), UTC, "Jane Nurse", "12220", "x"))
                .isEqualTo("[2026-11-24 15:15 UTC] Jane Nurse: x");
        assertThat(NoteLines.format(Instant.parse("2026-11-24T15:15:00Z"), ZoneId.of("Europe/Berlin"), "J", "1", "x"))
                .isEqualTo("[2026-11-24 16:15 CET] J: x");
    }

    @Test
    void theDateIsTheClinicsDateNotUtcs() {
        assertThat(NoteLines.format(Instant.parse("2026-01-01T03:30:00Z"), NEW_YORK, "Jane Nurse", "12220", "late call"))
                .isEqualTo("[2025-12-31 22:30 EST] Jane Nurse: late call");
    }

    @Test
    void withoutANameTheStaffMembersEmrIdStands() {
        Instant at = Instant.parse("2026-11-24T15:15:00Z");
        assertThat(NoteLines.format(at, UTC, null, "12222", "x")).isEqualTo("[2026-11-24 15:15 UTC] 12222: x");
        assertThat(NoteLines.format(at, UTC, "  ", "12222", "x")).isEqualTo("[2026-11-24 15:15 UTC] 12222: x");
    }

    @Test
    void theTextIsKeptAsSent() {
        Instant at = Instant.parse("2026-11-24T15:15:00Z");
        assertThat(NoteLines.format(at, UTC, "Jane Nurse", "1", "  two\nlines 😀 "))
                .isEqualTo("[2026-11-24 15:15 UTC] Jane Nurse:   two\nlines 😀 ");
    }
}
