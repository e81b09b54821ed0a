package org.telenc.engine.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.intake.ValidationErrors;
import org.telenc.engine.support.Json;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;

/** Binding and validation ordering of the add-action request, without Camel or Spring. */
class ActionRequestParserTest {

    final ActionRequests parser = new ActionRequests();
    final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
    final ValidationErrors errors = new ValidationErrors();

    ApiException firstError(String json) {
        var violations = validator.validate((Object) parser.parseText(json));
        assertThat(violations).isNotEmpty();
        return errors.toApiException(violations);
    }

    @Test
    void anIntegerEncounterIdBecomesItsDecimalStringAndABooleanFlagItsText() {
        TelephoneEncounterActionRequest r = parser.parseText(
                "{\"emr_appointment_id\":12345678901234567890,\"text\":\"Called back\",\"is_high_priority\":true,\"other\":[1]}");
        assertThat(r.getEmrAppointmentId()).isEqualTo("12345678901234567890");
        assertThat(r.getText()).isEqualTo("Called back");
        assertThat(r.getIsHighPriority()).isEqualTo("true");
        assertThat(r.highPriority()).isTrue();
        assertThat(r.shapeViolations()).isEmpty();
        assertThat(validator.validate(r)).isEmpty();
        assertThat(parser.parseText("{\"emr_appointment_id\":\"enc-1\",\"text\":\"x\"}").highPriority()).isFalse();
    }

    @Test
    void notAnObjectIsInvalidJson() {
        for (String body : new String[] {"", "  ", "null", "1", "[]", "{\"text\":\"a\"} trailing", "{\"text\":\"a\",\"text\":\"b\"}"}) {
            assertThatThrownBy(() -> parser.parseText(body)).as(body).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.code()).isEqualTo("invalid_json"));
        }
    }

    @Test
    void missingFieldsInContractOrderAbsentNullOrBlank() {
        assertThat(firstError("{}").getMessage()).isEqualTo("Missing required field: emr_appointment_id");
        assertThat(firstError("{\"emr_appointment_id\":\"e\"}").getMessage()).isEqualTo("Missing required field: text");
        assertThat(firstError("{\"emr_appointment_id\":\"e\",\"text\":null}").getMessage()).isEqualTo("Missing required field: text");
        assertThat(firstError("{\"emr_appointment_id\":\"e\",\"text\":\" \\n\\t\"}").getMessage()).isEqualTo("Missing required field: text");
        assertThat(firstError("{\"emr_appointment_id\":\"  \",\"text\":\"x\"}").getMessage())
                .isEqualTo("Missing required field: emr_appointment_id");
        // missing comes before a type error on an earlier field
        assertThat(firstError("{\"emr_appointment_id\":1.5}").getMessage()).isEqualTo("Missing required field: text");
    }

    @Test
    void typeErrorsNameWhatIsAllowed() {
        assertThat(firstError("{\"emr_appointment_id\":1.5,\"text\":\"x\"}").getMessage())
                .isEqualTo("Invalid field type: emr_appointment_id must be a string or an integer.");
        assertThat(firstError("{\"emr_appointment_id\":true,\"text\":\"x\"}").code()).isEqualTo("invalid_field_type");
        assertThat(firstError("{\"emr_appointment_id\":\"e\",\"text\":5}").getMessage())
                .isEqualTo("Invalid field type: text must be a string.");
        assertThat(firstError("{\"emr_appointment_id\":\"e\",\"text\":[\"x\"]}").getMessage())
                .isEqualTo("Invalid field type: text must be a string.");
        assertThat(firstError("{\"emr_appointment_id\":\"e\",\"text\":\"x\",\"is_high_priority\":1}").getMessage())
                .isEqualTo("Invalid field type: is_high_priority must be a string or a boolean.");
        // the type check comes before the length check
        assertThat(firstError(Json.object("emr_appointment_id", "e", "text", "x".repeat(10001), "is_high_priority", Map.of()))
                .code()).isEqualTo("invalid_field_type");
    }

    @Test
    void textLengthCountsCodePointsAndComesBeforeThePriorityCheck() {
        assertThat(validator.validate(parser.parseText(Json.object("emr_appointment_id", "e", "text", "😀".repeat(10000))))).isEmpty();
        ApiException tooLong = firstError(Json.object("emr_appointment_id", "e", "text", "😀".repeat(10001)));
        assertThat(tooLong.code()).isEqualTo("text_too_long");
        assertThat(tooLong.getMessage()).isEqualTo("Text must be 10000 characters or less.");
        ApiException both = firstError(Json.object("emr_appointment_id", "e", "text", "x".repeat(10001), "is_high_priority", "maybe"));
        assertThat(both.code()).isEqualTo("text_too_long");
        assertThat(both.errors()).extracting(ApiException.FieldError::error)
                .containsExactly("text_too_long", "invalid_is_high_priority");
    }

    @Test
    void thePriorityIsTrueOrFalse() {
        assertThat(validator.validate(parser.parseText(withPriority("false")))).isEmpty();
        assertThat(validator.validate(parser.parseText(withPriority(false)))).isEmpty();
        assertThat(validator.validate(parser.parseText(withPriority(NullNode.instance)))).isEmpty();
        for (String bad : new String[] {"yes", "TRUE", ""}) {
            ApiException e = firstError(withPriority(bad));
            assertThat(e.code()).as(bad).isEqualTo("invalid_is_high_priority");
            assertThat(e.getMessage()).isEqualTo("is_high_priority must be \"true\" or \"false\".");
        }
    }

    private static String withPriority(Object priority) {
        return Json.object("emr_appointment_id", "e", "text", "x", "is_high_priority", priority);
    }

    @Test
    void errorsAndToStringNeverCarryTheText() {
        String secret = "Patient says SECRET-" + "x".repeat(10001);
        ApiException e = firstError(Json.object("emr_appointment_id", "e", "text", secret));
        assertThat(e.getMessage()).doesNotContain("SECRET");
        assertThat(e.errors().toString()).doesNotContain("SECRET");
        assertThat(parser.parseText("{\"emr_appointment_id\":\"e\",\"text\":\"SECRET\"}").toString()).doesNotContain("SECRET");
    }
}
