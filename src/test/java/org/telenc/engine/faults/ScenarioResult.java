package org.telenc.engine.faults;

import java.util.List;

/**
 * One row of the suite's table, and the verdict on it: nothing acknowledged may be lost or doubled,
 * and every acknowledged request must have completed ({@code created}, one Encounter, its refill).
 *
 * @param error why the scenario could not be carried out (engine did not start...), else null
 * @param notes PHI-free details: reason codes, ids, unacknowledged requests, the engine log
 */
record ScenarioResult(String fault, int sent, int acknowledged, int completed, int duplicates, int lost, int other,
        double seconds, String error, List<String> notes) {

    boolean passed() {
        return error == null && duplicates == 0 && lost == 0 && other == 0 && completed == acknowledged;
    }

    static ScenarioResult aborted(String fault, double seconds, String error, List<String> notes) {
        return new ScenarioResult(fault, 0, 0, 0, 0, 0, 0, seconds, error, notes);
    }
}
