package org.telenc.engine.intake;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * Reports what binding found wrong with the JSON shape (missing required fields, wrong JSON types)
 * as constraint violations on the field, so that one validation pass yields every violation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = WellFormedRequest.Validator.class)
public @interface WellFormedRequest {

    String message() default "malformed";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<WellFormedRequest, BoundRequest> {
        @Override
        public boolean isValid(BoundRequest request, ConstraintValidatorContext context) {
            if (request == null || request.shapeViolations().isEmpty()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            for (Map.Entry<? extends BodyField, String> violation : request.shapeViolations().entrySet()) {
                context.buildConstraintViolationWithTemplate(violation.getValue())
                        .addPropertyNode(violation.getKey().jsonName())
                        .addConstraintViolation();
            }
            return false;
        }
    }
}
