package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.telenc.engine.tenancy.TenancyRepository;

/** The connection settings JSON, in particular the clinic's time zone, without Spring. */
class EmrConnectionsTest {

    final EmrConnections connections = new EmrConnections(null, new ObjectMapper(), null, new org.telenc.engine.storage.TableWrites(java.time.Duration.ZERO));

    EmrConnection.FhirSettings settings(String json) {
        return connections.settings(json);
    }

    @Test
    void theTimezoneIsAnIanaIdAndDefaultsToUtc() {
        assertThat(settings(null).timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(settings("{}").timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(settings("{\"timezone\":\"America/Chicago\"}").timezone()).isEqualTo(ZoneId.of("America/Chicago"));
        assertThat(settings("{\"timezone\":\"Not/AZone\"}").timezone()).as("unknown id: the default").isEqualTo(ZoneId.of("UTC"));
        assertThat(settings("{\"timezone\":\"\"}").timezone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void theOtherSettingsKeepTheirDefaultsAndOverrides() {
        EmrConnection.FhirSettings s = settings("{\"mrn_system\":\"urn:clinic:mrn\",\"timezone\":\"Europe/Berlin\"}");
        assertThat(s.mrnSystem()).isEqualTo("urn:clinic:mrn");
        assertThat(s.jobIdentifierSystem()).isEqualTo(EmrConnection.FhirSettings.defaults().jobIdentifierSystem());
    }
}
