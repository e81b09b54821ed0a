package org.telenc.engine.reference;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.emr.EmrCapabilities;
import org.telenc.engine.emr.ReferenceRecords.Address;
import org.telenc.engine.emr.ReferenceRecords.Location;
import org.telenc.engine.emr.ReferenceRecords.Pharmacy;
import org.telenc.engine.emr.ReferenceRecords.Provider;
import org.telenc.engine.emr.ReferenceRecords.Snapshot;
import org.telenc.engine.emr.ReferenceRecords.Staff;
import org.telenc.engine.emr.ReferenceRecords.User;
import org.telenc.engine.storage.TableWrites;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/** The synced reference tables of each EMR connection. */
@Repository
public class ReferenceRepository {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TableWrites.Cache<String, Batching> batching;

    public ReferenceRepository(JdbcTemplate jdbc, Clock clock, TableWrites writes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.batching = writes.cache(TenancyRepository.CONNECTION_TABLE);
    }

    /**
     * What intake's checks read (checks 11 to 16 of docs/api.md "Errors, in the order they are checked"), in one statement instead of seven:
     * whether the connection was ever synced, its capability flag (null: not known yet, counts as
     * capable), and whether each id is an active row. A null id (no pharmacy) is never found.
     */
    public record IntakeFacts(boolean everSynced, Boolean telephoneEncounters, boolean user, boolean provider,
            boolean staff, boolean location, boolean pharmacy) {

        static final IntakeFacts NO_CONNECTION = new IntakeFacts(false, null, false, false, false, false, false);
    }

    private static final String INTAKE_FACTS = """
            select c.last_synced_at is not null, c.telephone_encounters,
                   exists(select 1 from emr_user u where u.connection_id = c.id and u.ehr_id = ? and u.status = 'active'),
                   exists(select 1 from provider p where p.connection_id = c.id and p.ehr_id = ? and p.status = 'active'),
                   exists(select 1 from staff s where s.connection_id = c.id and s.ehr_id = ? and s.status = 'active'),
                   exists(select 1 from location l where l.connection_id = c.id and l.ehr_id = ? and l.status = 'active'),
                   exists(select 1 from pharmacy f where f.connection_id = c.id and f.ehr_id = ? and f.status = 'active')
              from emr_connection c where c.id = ?""";

    public IntakeFacts intakeFacts(String connectionId, String emrUser, String provider, String staff, String location,
            String pharmacy) {
        return jdbc.query(INTAKE_FACTS, (rs, i) -> {
            boolean everSynced = rs.getBoolean(1);
            boolean capable = rs.getBoolean(2);
            Boolean telephoneEncounters = rs.wasNull() ? null : capable;
            return new IntakeFacts(everSynced, telephoneEncounters, rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5),
                    rs.getBoolean(6), rs.getBoolean(7));
        }, emrUser, provider, staff, location, pharmacy, connectionId).stream().findFirst().orElse(IntakeFacts.NO_CONNECTION);
    }

    private static final String PROVIDER = "select id, ehr_id, name, npi, timezone, status from provider where connection_id = ?";
    private static final String LOCATION = "select id, ehr_id, name, address1, address2, city, state, zip, phone, fax, status from location where connection_id = ?";
    private static final String STAFF = "select id, ehr_id, name, role, status from staff where connection_id = ?";
    private static final String PHARMACY = "select id, ehr_id, name, address, phone, email, status from pharmacy where connection_id = ?";
    private static final String BY_EHR_ID = " and ehr_id = ?";
    private static final String ORDERED = " order by name, ehr_id";

    private static final RowMapper<Provider> PROVIDER_ROW = (rs, i) -> new Provider(rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
    private static final RowMapper<Location> LOCATION_ROW = (rs, i) -> new Location(rs.getString(1), rs.getString(2),
            rs.getString(3), new Address(rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)),
            rs.getString(9), rs.getString(10), rs.getString(11));
    private static final RowMapper<Staff> STAFF_ROW = (rs, i) -> new Staff(rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getString(4), rs.getString(5));
    private static final RowMapper<Pharmacy> PHARMACY_ROW = (rs, i) -> new Pharmacy(rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7));

    public List<Provider> providers(String connectionId) {
        return jdbc.query(PROVIDER + ORDERED, PROVIDER_ROW, connectionId);
    }

    public Optional<Provider> provider(String connectionId, String ehrId) {
        return jdbc.query(PROVIDER + BY_EHR_ID, PROVIDER_ROW, connectionId, ehrId).stream().findFirst();
    }

    public List<Location> locations(String connectionId) {
        return jdbc.query(LOCATION + ORDERED, LOCATION_ROW, connectionId);
    }

    public Optional<Location> location(String connectionId, String ehrId) {
        return jdbc.query(LOCATION + BY_EHR_ID, LOCATION_ROW, connectionId, ehrId).stream().findFirst();
    }

    public List<Staff> staff(String connectionId) {
        return jdbc.query(STAFF + ORDERED, STAFF_ROW, connectionId);
    }

    public Optional<Staff> staffMember(String connectionId, String ehrId) {
        return jdbc.query(STAFF + BY_EHR_ID, STAFF_ROW, connectionId, ehrId).stream().findFirst();
    }

    /** The name of an EMR user as synced (the user list), when the EMR gave one. */
    public Optional<String> userName(String connectionId, String ehrId) {
        return jdbc.queryForList("select name from emr_user where connection_id = ? and ehr_id = ? and name is not null",
                String.class, connectionId, ehrId).stream().findFirst();
    }

    public List<Pharmacy> pharmacies(String connectionId) {
        return jdbc.query(PHARMACY + ORDERED, PHARMACY_ROW, connectionId);
    }

    public Optional<Pharmacy> pharmacy(String connectionId, String ehrId) {
        return jdbc.query(PHARMACY + BY_EHR_ID, PHARMACY_ROW, connectionId, ehrId).stream().findFirst();
    }

    /**
     * Applies one pull: rows present are inserted or updated (keeping the engine id), rows the EMR
     * no longer lists become inactive. One transaction, so intake never sees a half-applied sync.
     * Two pulls of one connection at once (the timer's and an admin sync, or two replicas') apply
     * one after the other: the transaction first locks the connection's row, so the second finds
     * the first's rows and updates them instead of inserting them again.
     */
    @Transactional
    public void apply(String connectionId, Snapshot snapshot) {
        if (jdbc.queryForList("select id from emr_connection where id = ? for update", String.class, connectionId).isEmpty()) {
            return; // the connection is gone: nothing to apply to
        }
        // millisecond precision: the column keeps fewer digits than the clock gives, and the
        // "not seen in this pull" comparison below must see this pull's rows as equal, not older
        Timestamp now = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        for (Provider p : snapshot.providers()) {
            upsert("provider", connectionId, p.ehrId(), now,
                    new String[] {"name", "npi", "timezone", "status"},
                    new Object[] {p.name(), p.npi(), p.timezone(), p.status()});
        }
        for (Location l : snapshot.locations()) {
            Address a = l.address() == null ? new Address(null, null, null, null, null) : l.address();
            upsert("location", connectionId, l.ehrId(), now,
                    new String[] {"name", "address1", "address2", "city", "state", "zip", "phone", "fax", "status"},
                    new Object[] {l.name(), a.address1(), a.address2(), a.city(), a.state(), a.zip(), l.phone(), l.fax(), l.status()});
        }
        for (Staff s : snapshot.staff()) {
            upsert("staff", connectionId, s.ehrId(), now, new String[] {"name", "role", "status"},
                    new Object[] {s.name(), s.role(), s.status()});
        }
        for (Pharmacy p : snapshot.pharmacies()) {
            upsert("pharmacy", connectionId, p.ehrId(), now,
                    new String[] {"name", "address", "phone", "email", "status"},
                    new Object[] {p.name(), p.address(), p.phone(), p.email(), p.status()});
        }
        for (User u : snapshot.users()) {
            upsert("emr_user", connectionId, u.ehrId(), now, new String[] {"name", "status"},
                    new Object[] {u.name(), u.status()});
        }
        for (String table : List.of("provider", "location", "staff", "pharmacy", "emr_user")) {
            jdbc.update("update " + table + " set status = 'inactive' where connection_id = ? and synced_at < ?",
                    connectionId, now);
        }
        jdbc.update("update emr_connection set last_synced_at = ? where id = ?", now, connectionId);
    }

    private void upsert(String table, String connectionId, String ehrId, Timestamp now, String[] columns, Object[] values) {
        StringBuilder set = new StringBuilder();
        for (String column : columns) {
            set.append(column).append(" = ?, ");
        }
        Object[] updateArgs = new Object[values.length + 3];
        System.arraycopy(values, 0, updateArgs, 0, values.length);
        updateArgs[values.length] = now;
        updateArgs[values.length + 1] = connectionId;
        updateArgs[values.length + 2] = ehrId;
        int updated = jdbc.update("update " + table + " set " + set + "synced_at = ? where connection_id = ? and ehr_id = ?",
                updateArgs);
        if (updated == 0) {
            Object[] insertArgs = new Object[values.length + 4];
            insertArgs[0] = Secrets.newId();
            insertArgs[1] = connectionId;
            insertArgs[2] = ehrId;
            System.arraycopy(values, 0, insertArgs, 3, values.length);
            insertArgs[values.length + 3] = now;
            jdbc.update("insert into " + table + " (id, connection_id, ehr_id, " + String.join(", ", columns)
                    + ", synced_at) values (?, ?, ?" + ", ?".repeat(columns.length) + ", ?)", insertArgs);
        }
    }

    /**
     * Records what the connection's server can do, when it differs from what is recorded: an
     * unchanged CapabilityStatement writes nothing, so it drops no cached settings here or on the
     * other replicas. Whether it changed anything.
     */
    public boolean recordCapabilities(String connectionId, EmrCapabilities capabilities) {
        ObjectNode recorded = JSON.createObjectNode();
        recorded.put("fhir_version", capabilities.fhirVersion() == null ? null
                : capabilities.fhirVersion().replaceAll("[^0-9A-Za-z.-]", ""));
        recorded.put("patient_search_by_identifier", capabilities.searchPatientByIdentifier());
        recorded.put("encounter_create", capabilities.createEncounter());
        recorded.put("transaction", capabilities.transactions());
        recorded.put("orders_batch_search", capabilities.ordersBatchSearch());
        String text = recorded.toString();
        return jdbc.update("""
                update emr_connection set telephone_encounters = ?, capabilities = ?
                 where id = ? and (telephone_encounters is null or telephone_encounters <> ?
                                   or capabilities is null or capabilities <> ?)""",
                capabilities.telephoneEncounters(), text, connectionId, capabilities.telephoneEncounters(), text) == 1;
    }

    /**
     * Whether the connection's server takes transaction Bundles and finds a patient's active orders
     * with the patient in one batch ({@link EmrCapabilities#ordersBatchSearch}), as its last sync read them; both
     * false while unknown. Kept like the connection's settings ({@link TableWrites}): a sync that
     * records new capabilities drops it.
     */
    public Batching batching(String connectionId) {
        return batching.get(connectionId, this::storedBatching);
    }

    private Batching storedBatching(String connectionId) {
        List<String> stored = jdbc.queryForList("select capabilities from emr_connection where id = ?", String.class,
                connectionId);
        String json = stored.isEmpty() ? null : stored.get(0);
        return json == null ? Batching.NONE
                : new Batching(json.contains("\"transaction\":true"), json.contains("\"orders_batch_search\":true"));
    }

    /** The capabilities a job uses to make fewer EMR calls. */
    public record Batching(boolean transactions, boolean ordersBatchSearch) {

        public static final Batching NONE = new Batching(false, false);
    }
}
