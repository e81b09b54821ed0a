package org.telenc.engine.teamroutes;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method's parameter that takes a JsonPath mapping (the emr.rest beans' field lists
 * and list paths), so the team-folder checks validate the literal a route passes there before
 * anything runs, instead of the first job failing on it ({@link JsonPathMappings}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface JsonPathMapping {

    /** What the parameter takes. */
    Kind value();

    enum Kind {
        /** {@code "target=$.path target=@literal ..."}: entries separated by spaces; blank is the source itself. */
        FIELD_LIST,
        /** One JsonPath ({@code $.medications}). */
        PATH,
        /** One JsonPath, or blank for the source itself. */
        OPTIONAL_PATH
    }
}
