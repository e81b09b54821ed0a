package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Adapter settings practitioner_id_system, location_id_system, pharmacy_id_system: an EMR whose ids
 * for providers, staff, locations and pharmacies are identifiers rather than FHIR logical ids.
 */
class ReferenceIdSystemsTest {

    final EmrConnections connections = new EmrConnections(null, new ObjectMapper(), null, new org.telenc.engine.storage.TableWrites(java.time.Duration.ZERO));

    @Test
    void withoutAnIdSystemReferencesAreLiteralAndIdsAreLogical() {
        EmrConnection.FhirSettings settings = connections.settings(null);
        Reference reference = settings.reference("Practitioner", "12241", "Dr. Who");
        assertThat(reference.getReference()).isEqualTo("Practitioner/12241");
        assertThat(reference.getDisplay()).isEqualTo("Dr. Who");
        assertThat(settings.refersTo(new Reference("Practitioner/12241"), "Practitioner", "12241")).isTrue();
        Practitioner p = new Practitioner();
        p.setId("12241");
        p.addIdentifier(new Identifier().setSystem("urn:clinic:staff").setValue("S-9"));
        assertThat(settings.ehrId("Practitioner", p, p.getIdentifier())).isEqualTo("12241");
    }

    @Test
    void withAnIdSystemReferencesGoByIdentifierAndSyncedIdsAreThatIdentifier() {
        EmrConnection.FhirSettings settings = connections.settings(
                """
                {"practitioner_id_system":"urn:clinic:staff","location_id_system":"urn:clinic:site","pharmacy_id_system":"urn:ncpdp"}""");
        Reference practitioner = settings.reference("Practitioner", "S-9", null);
        assertThat(practitioner.hasReference()).isFalse();
        assertThat(practitioner.getType()).isEqualTo("Practitioner");
        assertThat(practitioner.getIdentifier().getSystem()).isEqualTo("urn:clinic:staff");
        assertThat(practitioner.getIdentifier().getValue()).isEqualTo("S-9");
        assertThat(settings.reference("Location", "L1", null).getIdentifier().getSystem()).isEqualTo("urn:clinic:site");
        assertThat(settings.reference("Organization", "1234567", null).getIdentifier().getSystem()).isEqualTo("urn:ncpdp");

        assertThat(settings.refersTo(settings.reference("Organization", "1234567", "Corner Pharmacy"), "Organization", "1234567"))
                .isTrue();
        assertThat(settings.refersTo(new Reference("Organization/1234567"), "Organization", "1234567")).isFalse();

        Practitioner p = new Practitioner();
        p.setId("fhir-logical-7");
        p.addIdentifier(new Identifier().setSystem("urn:other").setValue("X"));
        assertThat(settings.ehrId("Practitioner", p, p.getIdentifier())).as("no identifier in the system: the logical id")
                .isEqualTo("fhir-logical-7");
        p.addIdentifier(new Identifier().setSystem("urn:clinic:staff").setValue("S-9"));
        assertThat(settings.ehrId("Practitioner", p, List.copyOf(p.getIdentifier()))).isEqualTo("S-9");
    }
}
