package org.telenc.engine.emr.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.ReferenceRecords;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * Maps a FHIR server's directory into reference rows: every Practitioner is a staff member and an
 * EMR user; those with an NPI are providers; Locations are locations; Organizations of the
 * pharmacy type are pharmacies.
 */
@Component("fhirReferences")
public class FhirReferences {

    static final String TIMEZONE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/timezone";

    /** What a pull has gathered so far. */
    public static class Pull {
        private final List<ReferenceRecords.Provider> providers = new ArrayList<>();
        private final List<ReferenceRecords.Staff> staff = new ArrayList<>();
        private final List<ReferenceRecords.User> users = new ArrayList<>();
        private final List<ReferenceRecords.Location> locations = new ArrayList<>();
        private final List<ReferenceRecords.Pharmacy> pharmacies = new ArrayList<>();

        public ReferenceRecords.Snapshot snapshot() {
            return new ReferenceRecords.Snapshot(providers, locations, staff, pharmacies, users);
        }
    }

    public Pull start() {
        return new Pull();
    }

    public ReferenceRecords.Snapshot practitioners(@ExchangeProperty(ExchangeProperties.PULL) Pull pull,
            @ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, @Body List<Resource> resources) {
        for (Resource resource : resources) {
            if (resource instanceof Practitioner p) {
                String id = connection.settings().ehrId("Practitioner", p, p.getIdentifier());
                String name = p.hasName() ? p.getNameFirstRep().getNameAsSingleString() : null;
                String status = !p.hasActive() || p.getActive() ? "active" : "inactive";
                String role = p.hasQualification() ? p.getQualificationFirstRep().getCode().getText() : null;
                pull.staff.add(new ReferenceRecords.Staff(null, id, name, role, status));
                pull.users.add(new ReferenceRecords.User(null, id, name, status));
                p.getIdentifier().stream().filter(i -> connection.settings().npiSystem().equals(i.getSystem())).findFirst()
                        .ifPresent(npi -> pull.providers.add(new ReferenceRecords.Provider(null, id, name, npi.getValue(),
                                timezone(p), status)));
            }
        }
        return pull.snapshot();
    }

    public ReferenceRecords.Snapshot locations(@ExchangeProperty(ExchangeProperties.PULL) Pull pull,
            @ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, @Body List<Resource> resources) {
        for (Resource resource : resources) {
            if (resource instanceof Location l) {
                Address a = l.getAddress();
                List<StringType> lines = a.getLine();
                ReferenceRecords.Address address = new ReferenceRecords.Address(
                        lines.size() > 0 ? lines.get(0).getValue() : null, lines.size() > 1 ? lines.get(1).getValue() : null,
                        a.getCity(), a.getState(), a.getPostalCode());
                String status = l.getStatus() == null || l.getStatus() == Location.LocationStatus.ACTIVE ? "active" : "inactive";
                pull.locations.add(new ReferenceRecords.Location(null, connection.settings().ehrId("Location", l, l.getIdentifier()),
                        l.getName(), address,
                        telecom(l.getTelecom(), ContactPoint.ContactPointSystem.PHONE),
                        telecom(l.getTelecom(), ContactPoint.ContactPointSystem.FAX), status));
            }
        }
        return pull.snapshot();
    }

    public ReferenceRecords.Snapshot pharmacies(@ExchangeProperty(ExchangeProperties.PULL) Pull pull,
            @ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, @Body List<Resource> resources) {
        for (Resource resource : resources) {
            if (resource instanceof Organization o) {
                String status = !o.hasActive() || o.getActive() ? "active" : "inactive";
                String address = o.hasAddress() ? oneLine(o.getAddressFirstRep()) : null;
                pull.pharmacies.add(new ReferenceRecords.Pharmacy(null, connection.settings().ehrId("Organization", o, o.getIdentifier()),
                        o.getName(), address,
                        telecom(o.getTelecom(), ContactPoint.ContactPointSystem.PHONE),
                        telecom(o.getTelecom(), ContactPoint.ContactPointSystem.EMAIL), status));
            }
        }
        return pull.snapshot();
    }

    private static String timezone(Practitioner p) {
        var ext = p.getExtensionByUrl(TIMEZONE_EXTENSION);
        return ext == null || ext.getValue() == null ? null : ext.getValue().primitiveValue();
    }

    private static String telecom(List<ContactPoint> telecom, ContactPoint.ContactPointSystem system) {
        return telecom.stream().filter(t -> t.getSystem() == system).map(ContactPoint::getValue).findFirst().orElse(null);
    }

    private static String oneLine(Address a) {
        List<String> parts = new ArrayList<>(a.getLine().stream().map(StringType::getValue).toList());
        parts.add(a.getCity());
        parts.add((a.getState() == null ? "" : a.getState()) + (a.getPostalCode() == null ? "" : " " + a.getPostalCode()));
        return parts.stream().filter(s -> s != null && !s.isBlank()).map(String::strip).collect(Collectors.joining(", "));
    }
}
