package org.telenc.engine.intake;

import jakarta.validation.ConstraintViolation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.bean.validator.BeanValidationException;
import org.telenc.engine.api.ApiException;
import org.springframework.stereotype.Component;

/**
 * Orders bean-validation violations as docs/api.md "Errors, in the order they are checked" does (check number first, then the field
 * order of "Request body", or of the add-action request) and turns them into the first error plus the full
 * {@code errors} list. Messages name fields, never values.
 */
@Component("validationErrors")
public class ValidationErrors {

    public static final String MISSING = "missing_required_field";
    public static final String INVALID_TYPE = "invalid_field_type";

    /**
     * Error codes in the order of docs/api.md, checks 3 to 10; text_too_long is the add-action
     * request's length check, which comes between the type checks and invalid_is_high_priority.
     */
    private static final List<String> CHECK_ORDER = List.of(MISSING, INVALID_TYPE, "reason_too_long",
            "medication_name_invalid_length", "caller_too_long", "message_too_long", "template_name_too_long",
            "text_too_long", "invalid_is_high_priority");

    public ApiException fromException(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) BeanValidationException failure) {
        return toApiException(failure.getConstraintViolations());
    }

    public ApiException toApiException(Set<ConstraintViolation<Object>> violations) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        violations.stream()
                .map(v -> new Violation(v.getMessage(), field(v)))
                .sorted(Comparator.comparingInt((Violation v) -> rank(v.code())).thenComparingInt(v -> v.field().ordinal()))
                .forEach(v -> errors.add(new ApiException.FieldError(v.field().jsonName(), v.code(), message(v))));
        ApiException.FieldError first = errors.get(0);
        return new ApiException(400, first.error(), first.message(), errors, null);
    }

    private record Violation(String code, BodyField field) {
    }

    /** The field of the validated request (create or add-action) that the violation is about. */
    private static BodyField field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String name = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
        return Optional.of(violation.getRootBean()).filter(BoundRequest.class::isInstance).map(BoundRequest.class::cast)
                .flatMap(request -> request.field(name))
                .orElseThrow(() -> new IllegalStateException("violation on unknown property " + name));
    }

    private static int rank(String code) {
        int rank = CHECK_ORDER.indexOf(code);
        if (rank < 0) {
            throw new IllegalStateException("unranked validation code " + code);
        }
        return rank;
    }

    static String message(Violation v) {
        return switch (v.code()) {
            case MISSING -> "Missing required field: " + v.field().jsonName();
            case INVALID_TYPE -> "Invalid field type: " + v.field().jsonName() + " must be " + v.field().typeRule() + ".";
            case "reason_too_long" -> "Reason must be 50 characters or less.";
            case "medication_name_invalid_length" -> "Medication name must be between 2 and 50 characters.";
            case "caller_too_long" -> "Caller must be 100 characters or less.";
            case "message_too_long" -> "Message must be 10000 characters or less.";
            case "template_name_too_long" -> "Template name must be 100 characters or less.";
            case "text_too_long" -> "Text must be 10000 characters or less.";
            case "invalid_is_high_priority" -> "is_high_priority must be \"true\" or \"false\".";
            default -> throw new IllegalStateException("no message for " + v.code());
        };
    }
}
