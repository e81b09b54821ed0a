package org.telenc.engine.sandbox.fhir;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A synthetic population added to the sandbox EMR beside the {@link SandboxDemoData demo data}
 * ({@code engine.sandbox.fhir.generated-patients=N}), for loads that need many patients, i.e. many
 * message groups (the benchmark's phase f). Patient {@code i} (0-based) has the MRN
 * {@code 200000 + i} (the range 200000..299999, apart from the demo's 100xxx), the id
 * {@code pat-gen-<mrn>}, one refillable order {@code mr-gen-<mrn>} of Lisinopril 10 mg (5 refills,
 * prescribed by provider 12241 or 12242) and, on every other patient, a preferred pharmacy:
 * {@code PH-2001} when {@code i % 4 == 0}, {@code PH-2002} when {@code i % 4 == 2}, none when
 * {@code i} is odd. Names are made up ("Generated Patient200000").
 */
public final class SandboxGeneratedPatients {

    /** The MRN of the first generated patient. */
    public static final int FIRST_MRN = 200_000;
    /** At most this many: MRNs stay in 200000..299999. */
    public static final int MAXIMUM = 100_000;
    /** What each generated patient's refillable order prescribes. */
    public static final String MEDICATION = "Lisinopril 10 mg tablet";

    private SandboxGeneratedPatients() {}

    /** The MRN of generated patient {@code index} (0-based). */
    public static String mrn(int index) {
        return Integer.toString(FIRST_MRN + index);
    }

    /** The preferred pharmacy on file for generated patient {@code index}, or null if none. */
    public static String pharmacy(int index) {
        if (index % 2 == 1) {
            return null;
        }
        return index % 4 == 0 ? "PH-2001" : "PH-2002";
    }

    /**
     * Adds patients 0..count-1 and their orders to the store, each unless its id is there already.
     *
     * @throws IllegalArgumentException when count is negative or above {@link #MAXIMUM}
     */
    public static void seed(SandboxFhirStore store, int count) {
        resources(count).forEach(store::putIfAbsent);
    }

    static List<Resource> resources(int count) {
        if (count < 0 || count > MAXIMUM) {
            throw new IllegalArgumentException("engine.sandbox.fhir.generated-patients must be between 0 and " + MAXIMUM
                    + ", not " + count);
        }
        List<Resource> resources = new ArrayList<>(2 * count);
        for (int i = 0; i < count; i++) {
            String mrn = mrn(i);
            Patient patient = new Patient()
                    .setGender(i % 2 == 0 ? AdministrativeGender.FEMALE : AdministrativeGender.MALE)
                    .setBirthDateElement(new DateType("1970-01-01"));
            patient.setId("pat-gen-" + mrn);
            patient.addIdentifier().setSystem(SandboxDemoData.MRN_SYSTEM).setValue(mrn)
                    .setType(new CodeableConcept().setText("Medical record number"));
            patient.addName().addGiven("Generated").setFamily("Patient" + mrn).setText("Generated Patient" + mrn);
            String pharmacy = pharmacy(i);
            if (pharmacy != null) {
                patient.addExtension(SandboxDemoData.PREFERRED_PHARMACY_EXTENSION, new Reference("Organization/" + pharmacy));
            }
            MedicationRequest order = new MedicationRequest()
                    .setStatus(MedicationRequestStatus.ACTIVE)
                    .setIntent(MedicationRequestIntent.ORDER)
                    .setSubject(new Reference("Patient/" + patient.getIdElement().getIdPart()))
                    .setRequester(new Reference("Practitioner/" + (i % 2 == 0 ? "12241" : "12242")))
                    .setAuthoredOnElement(new DateTimeType("2025-01-15"))
                    .setMedication(new CodeableConcept().setText(MEDICATION));
            order.setId("mr-gen-" + mrn);
            order.addDosageInstruction().setText("Take 1 tablet by mouth once daily.");
            order.getDispenseRequest().setNumberOfRepeatsAllowed(5);
            resources.add(patient);
            resources.add(order);
        }
        return resources;
    }
}
