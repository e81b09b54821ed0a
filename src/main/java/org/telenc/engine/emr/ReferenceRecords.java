package org.telenc.engine.emr;

import java.util.List;

/** Reference rows as the EMR describes them (ehr_id is the EMR's id) and as the API lists them. */
public final class ReferenceRecords {

    private ReferenceRecords() {
    }

    public record Provider(String id, String ehrId, String name, String npi, String timezone, String status) {
    }

    public record Location(String id, String ehrId, String name, Address address, String phone, String fax,
            String status) {
    }

    public record Address(String address1, String address2, String city, String state, String zip) {
    }

    public record Staff(String id, String ehrId, String name, String role, String status) {
    }

    public record Pharmacy(String id, String ehrId, String name, String address, String phone, String email,
            String status) {
    }

    public record User(String id, String ehrId, String name, String status) {
    }

    /** Everything one pull from an EMR returned. Ids ({@code id}) are null until stored. */
    public record Snapshot(List<Provider> providers, List<Location> locations, List<Staff> staff,
            List<Pharmacy> pharmacies, List<User> users) {
    }
}
