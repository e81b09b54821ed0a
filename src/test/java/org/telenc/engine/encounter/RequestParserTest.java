package org.telenc.engine.encounter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.intake.ValidationErrors;
import org.telenc.engine.support.Json;

/** Binding and validation ordering without Camel or Spring. */
class RequestParserTest {

    final EncounterRequests parser = new EncounterRequests();
    final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
    final ValidationErrors errors = new ValidationErrors();

    ApiException firstError(String json) {
        var violations = validator.validate((Object) parser.parseText(json));
        assertThat(violations).isNotEmpty();
        return errors.toApiException(violations);
    }

    @Test
    void integerIdsBecomeTheirDecimalStringAndBooleansTheirText() {
        TelephoneEncounterRequest r = parser.parseText("""
                {"patient_mrn":12345678901234567890,"provider_id":-7,"location_id":"3","assigned_to_id":"4",\
                "is_high_priority":false,"unknown":[1]}""");
        assertThat(r.getPatientMrn()).isEqualTo("12345678901234567890");
        assertThat(r.getProviderId()).isEqualTo("-7");
        assertThat(r.getIsHighPriority()).isEqualTo("false");
        assertThat(r.shapeViolations()).isEmpty();
        assertThat(validator.validate(r)).isEmpty();
    }

    @Test
    void notAnObjectIsInvalidJson() {
        for (String body : new String[] {"", "  ", "null", "1", "[]", "{\"a\":1} trailing", "{\"a\":1,\"a\":2}"}) {
            assertThatThrownBy(() -> parser.parseText(body)).as(body).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.code()).isEqualTo("invalid_json"));
        }
    }

    @Test
    void missingComesBeforeTypeAndTypeBeforeLength() {
        assertThat(firstError("{\"reason\":5}").getMessage()).isEqualTo("Missing required field: patient_mrn");
        assertThat(firstError(Json.object("patient_mrn", "1", "provider_id", "2", "location_id", "3", "assigned_to_id", "4",
                "reason", "x".repeat(60), "template_name", 7)).code()).isEqualTo("invalid_field_type");
    }

    @Test
    void lengthsCountCodePoints() {
        assertThat(validator.validate(parser.parseText(withReason("😀".repeat(50))))).isEmpty();
        assertThat(firstError(withReason("😀".repeat(51))).code()).isEqualTo("reason_too_long");
    }

    private static String withReason(String reason) {
        return Json.object("patient_mrn", "1", "provider_id", "2", "location_id", "3", "assigned_to_id", "4", "reason", reason);
    }

    @Test
    void toStringNeverPrintsValues() {
        TelephoneEncounterRequest r = parser.parseText("{\"patient_mrn\":\"MRN-SECRET\",\"caller\":\"Jane\"}");
        assertThat(r.toString()).doesNotContain("MRN-SECRET").doesNotContain("Jane");
    }
}
