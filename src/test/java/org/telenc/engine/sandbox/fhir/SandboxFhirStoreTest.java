package org.telenc.engine.sandbox.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class SandboxFhirStoreTest {

    private final SandboxFhirStore store = SandboxFhirStore.seeded();

    @Test
    void seedsTheDocumentedDemoData() {
        assertThat(store.count(Patient.class)).isEqualTo(5);
        assertThat(store.count(Practitioner.class)).isEqualTo(7);
        assertThat(store.count(Location.class)).isEqualTo(3);
        assertThat(store.count(Organization.class)).isEqualTo(4);
        assertThat(store.count(Medication.class)).isEqualTo(1);
        assertThat(store.count(MedicationRequest.class)).isEqualTo(9);

        Patient jane = store.read(Patient.class, "pat-1001").orElseThrow();
        assertThat(jane.getIdentifierFirstRep().getSystem()).isEqualTo(SandboxDemoData.MRN_SYSTEM);
        assertThat(jane.getIdentifierFirstRep().getValue()).isEqualTo("100234");
        assertThat(jane.getExtensionsByUrl(SandboxDemoData.PREFERRED_PHARMACY_EXTENSION))
                .extracting(extension -> ((Reference) extension.getValue()).getReference())
                .containsExactly("Organization/PH-2001");
        assertThat(store.read(Patient.class, "pat-1002").orElseThrow()
                .getExtensionsByUrl(SandboxDemoData.PREFERRED_PHARMACY_EXTENSION)).isEmpty();
        assertThat(store.find(Patient.class, p -> "100299".equals(p.getIdentifierFirstRep().getValue())))
                .extracting(p -> p.getIdElement().getIdPart())
                .containsExactly("pat-1004", "pat-1005");

        Practitioner alice = store.read(Practitioner.class, "12241").orElseThrow();
        assertThat(alice.getIdentifierFirstRep().getSystem()).isEqualTo(SandboxDemoData.NPI_SYSTEM);
        assertThat(alice.getIdentifierFirstRep().getValue()).isEqualTo("1234567893");
        assertThat(((CodeType) alice.getExtensionByUrl(SandboxDemoData.TIMEZONE_EXTENSION).getValue()).getValue())
                .isEqualTo("America/New_York");
    }

    @Test
    void storedResourcesCarryVersionAndLastUpdated() {
        Patient patient = store.read(Patient.class, "pat-1003").orElseThrow();

        assertThat(patient.getMeta().getVersionId()).isEqualTo("1");
        assertThat(patient.getMeta().getLastUpdated()).isNotNull();
        assertThat(patient.getIdElement().getValue()).isEqualTo("Patient/pat-1003/_history/1");
    }

    @Test
    void handsOutCopiesNotLiveObjects() {
        store.read(Patient.class, "pat-1001").orElseThrow().setBirthDate(null);
        store.all(Patient.class).forEach(patient -> patient.getName().clear());

        Patient jane = store.read(Patient.class, "pat-1001").orElseThrow();
        assertThat(jane.getBirthDateElement().getValueAsString()).isEqualTo("1980-04-12");
        assertThat(jane.getNameFirstRep().getText()).isEqualTo("Jane Doe");
    }

    @Test
    void updateIncrementsTheVersionAndRefusesAStaleOne() {
        Patient patient = store.read(Patient.class, "pat-1003").orElseThrow();

        assertThat(store.update(patient, "1").getMeta().getVersionId()).isEqualTo("2");
        assertThatThrownBy(() -> store.update(patient, "1")).isInstanceOf(PreconditionFailedException.class);
        assertThat(store.update(patient, null).getMeta().getVersionId()).isEqualTo("3");
    }

    @Test
    void seedingIsIdempotentAndResetRestoresTheDemoData() {
        store.create(new Encounter());
        store.update(store.read(Patient.class, "pat-1001").orElseThrow().setBirthDate(null), null);

        SandboxDemoData.seed(store);
        assertThat(store.count(Patient.class)).isEqualTo(5);
        assertThat(store.count(Encounter.class)).isEqualTo(1);

        store.reset();
        assertThat(store.count(Encounter.class)).isZero();
        Patient jane = store.read(Patient.class, "pat-1001").orElseThrow();
        assertThat(jane.getBirthDateElement().getValueAsString()).isEqualTo("1980-04-12");
        assertThat(jane.getMeta().getVersionId()).isEqualTo("1");
    }

    /** The indexed searches answer what a scan of the type answers, after creates, updates and an undone transaction. */
    @Test
    void indexedSearchesAnswerWhatAScanAnswers() {
        java.util.Random random = new java.util.Random(7);
        java.util.List<String> ids = new java.util.ArrayList<>();
        int seeded = store.count(Encounter.class);
        for (int step = 0; step < 600; step++) {
            int action = ids.isEmpty() ? 0 : random.nextInt(3);
            Encounter encounter = new Encounter();
            encounter.addIdentifier().setSystem("urn:s" + random.nextInt(2)).setValue("v" + random.nextInt(40));
            encounter.setSubject(new Reference("Patient/p" + random.nextInt(8)));
            if (action == 0) {
                ids.add(store.create(encounter).getIdElement().getIdPart());
            } else if (action == 1) {
                encounter.setId(ids.get(random.nextInt(ids.size())));
                store.update(encounter, null);
            } else {
                encounter.setId(ids.get(random.nextInt(ids.size())));
                assertThatThrownBy(() -> store.atomically(() -> {
                    store.update(encounter, null);
                    store.create(encounter.copy().setId((String) null));
                    throw new IllegalStateException("refused entry");
                })).hasMessage("refused entry");
            }
        }
        // the undone transactions left nothing behind: their creates are gone from the store and its indexes
        assertThat(store.count(Encounter.class)).isEqualTo(seeded + ids.size());
        for (int system = 0; system < 2; system++) {
            for (int value = 0; value < 40; value++) {
                String s = "urn:s" + system;
                String v = "v" + value;
                assertThat(ids(store.findByIdentifier(Encounter.class, s, v, e -> true))).as(s + "|" + v)
                        .isEqualTo(ids(store.find(Encounter.class, e -> e.getIdentifier().stream()
                                .anyMatch(i -> s.equals(i.getSystem()) && v.equals(i.getValue())))));
                assertThat(ids(store.findByIdentifier(Encounter.class, null, v, e -> true))).as(v)
                        .isEqualTo(ids(store.find(Encounter.class, e -> v.equals(e.getIdentifierFirstRep().getValue()))));
            }
        }
        for (int patient = 0; patient < 8; patient++) {
            String reference = "Patient/p" + patient;
            assertThat(ids(store.findByPatient(Encounter.class, "p" + patient, e -> true)))
                    .isEqualTo(ids(store.find(Encounter.class, e -> reference.equals(e.getSubject().getReference()))));
        }
    }

    static java.util.List<String> ids(java.util.List<? extends org.hl7.fhir.r4.model.Resource> found) {
        return found.stream().map(r -> r.getIdElement().getIdPart()).sorted().toList();
    }
}
