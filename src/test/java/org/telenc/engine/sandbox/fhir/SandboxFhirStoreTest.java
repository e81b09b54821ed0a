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
}
