package org.telenc.engine.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.telenc.engine.action.ActionMessage;
import org.telenc.engine.encounter.EncounterMessage;

/**
 * Queue messages are records written and read by one ObjectMapper, and read what earlier engines
 * queued (hand-built strings with the same field names): a message still on the queue across an
 * upgrade is processed as before.
 */
class QueueMessagesTest {

    static final String ID = "0123456789abcdef0123456789abcdef";
    final JobQueue queue = new JobQueue(new ObjectMapper(), null, null);

    @Test
    void encounterMessagesQueuedByTheEarlierEngineStillRead() throws Exception {
        EncounterMessage first = queue.read("""
                {"telephone_encounter_id":"%s","job_id":"1001"}""".formatted(ID),
                EncounterMessage.class);
        assertThat(first.requestId()).isEqualTo(ID);
        assertThat(first.jobId()).isEqualTo("1001");
        assertThat(first.attempt()).isEqualTo(1);
        // the earlier retry message had no job_id
        EncounterMessage retry = queue.read("""
                {"telephone_encounter_id":"%s","emr_attempt":3}""".formatted(ID),
                EncounterMessage.class);
        assertThat(retry.requestId()).isEqualTo(ID);
        assertThat(retry.attempt()).isEqualTo(3);
    }

    @Test
    void actionMessagesQueuedByTheEarlierEngineStillRead() throws Exception {
        ActionMessage retry = queue.read("""
                {"action_id":"%s","job_id":"1042","emr_attempt":2}""".formatted(ID),
                ActionMessage.class);
        assertThat(retry.requestId()).isEqualTo(ID);
        assertThat(retry.jobId()).isEqualTo("1042");
        assertThat(retry.attempt()).isEqualTo(2);
    }

    @Test
    void messagesAreWrittenWithTheSameFieldNames() {
        assertThat(queue.write(EncounterMessage.first(ID, 1001)))
                .isEqualTo("""
                {"telephone_encounter_id":"%s","job_id":"1001"}""".formatted(ID));
        assertThat(queue.write(ActionMessage.first(ID, 1042))).isEqualTo("""
                {"action_id":"%s","job_id":"1042"}""".formatted(ID));
        assertThat(queue.write(new EncounterMessage(ID, "1001", 2)))
                .isEqualTo("""
                {"telephone_encounter_id":"%s","job_id":"1001","emr_attempt":2}""".formatted(ID));
    }

    @Test
    void jsonOfAnotherShapeNamesNoRequestAndTextThatIsNotJsonThrows() throws Exception {
        assertThat(queue.read("[1,2]", EncounterMessage.class).requestId()).isNull();
        assertThat(queue.read("null", EncounterMessage.class).requestId()).isNull();
        assertThat(queue.read("{\"unknown\":true}", ActionMessage.class).attempt()).isEqualTo(1);
        assertThatThrownBy(() -> queue.read("not json", EncounterMessage.class)).isInstanceOf(JsonProcessingException.class);
        assertThat(queue.requestIdOf("not json", EncounterMessage.class)).isNull();
        assertThat(queue.requestIdOf("{\"telephone_encounter_id\":\"../etc\"}", EncounterMessage.class)).isNull();
        assertThat(queue.requestIdOf("""
                {"telephone_encounter_id":"%s"}""".formatted(ID), EncounterMessage.class)).isEqualTo(ID);
    }
}
