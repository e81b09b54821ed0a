package org.telenc.engine.extension;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reason codes a connection's hooks may end a job {@code failed} with: the list its settings
 * declare under {@code extension_failure_codes}, each one of the webhook's own failure codes
 * ({@link #ALLOWED}), so that every webhook stays within the codes the API documents. The admin
 * API refuses any other code in the list; a hook that answers a code the list does not hold fails
 * (its job ends as a failing hook's does: {@code internal_error}).
 */
public final class FailureCodes {

    /** The settings key of the declared list. */
    public static final String SETTINGS_KEY = "extension_failure_codes";

    /**
     * The failure codes of a {@code telephone_encounter.failed} webhook a hook may use. Not
     * {@code internal_error} (the engine's own, for what failed on its side, a failing hook among
     * them) nor the partial codes ({@code refill_not_added}, {@code pharmacy_not_added}), which
     * belong to an encounter that exists.
     */
    public static final Set<String> ALLOWED = Set.of("patient_not_found", "medication_not_found", "medication_ambiguous",
            "emr_rejected", "emr_unavailable", "login_required");

    /**
     * Of {@link #ALLOWED}, the codes an Add Action job's {@code telephone_encounter_action.failed}
     * webhook may carry from a hook: an action matches no patient or medication.
     */
    public static final Set<String> ACTION_ALLOWED = Set.of("emr_rejected", "emr_unavailable", "login_required");

    private FailureCodes() {
    }

    /** The codes a connection's settings declare (none when the key is absent or not a list). */
    public static Set<String> declared(Map<String, Object> options) {
        Object list = options == null ? null : options.get(SETTINGS_KEY);
        Set<String> codes = new LinkedHashSet<>();
        if (list instanceof List<?> items) {
            items.forEach(item -> codes.add(String.valueOf(item)));
        }
        return codes;
    }

    /** Whether a hook of this connection may end a job failed with the code. */
    public static boolean allowed(Map<String, Object> options, String code) {
        return code != null && ALLOWED.contains(code) && declared(options).contains(code);
    }

    /**
     * What the admin API refuses in a settings value of {@code extension_failure_codes}: the entries
     * that are not allowed codes (by position, {@code extension_failure_codes[2]}, when one is not a
     * code at all: a value is never echoed); the key itself when it is not a list.
     */
    public static List<String> refused(Object list) {
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> items)) {
            return List.of(SETTINGS_KEY);
        }
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof String code) || !ALLOWED.contains(code)) {
                boolean nameable = item instanceof String text && Extensions.CODE.matcher(text).matches()
                        && text.length() <= Extensions.MAX_CODE;
                refused.add(nameable ? (String) item : SETTINGS_KEY + "[" + i + "]");
            }
        }
        return refused;
    }
}
