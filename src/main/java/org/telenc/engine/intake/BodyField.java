package org.telenc.engine.intake;

/**
 * A field of a request body as the parser binds it: its JSON name, the JSON types it takes, and
 * whether it is required. Implemented by each kind's field enum (the encounter's RequestField, the action's ActionField), whose
 * declaration order is the contract's field order, which ties validation errors of the same check.
 */
public interface BodyField {

    /** Which JSON types a field takes: ids also take integers, the flag also takes booleans. */
    enum Kind { ID, TEXT, FLAG }

    /** What a field is: its JSON name, the types it takes and whether it is required. */
    record Spec(String jsonName, Kind kind, boolean required) {
    }

    Spec spec();

    default String jsonName() {
        return spec().jsonName();
    }

    default Kind kind() {
        return spec().kind();
    }

    default boolean required() {
        return spec().required();
    }

    /** The position in the contract's field order (an enum's ordinal). */
    int ordinal();

    default String typeRule() {
        return switch (kind()) {
            case ID -> "a string or an integer";
            case TEXT -> "a string";
            case FLAG -> "a string or a boolean";
        };
    }
}
