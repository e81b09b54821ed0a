package org.telenc.engine.sandbox.fhir;

import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Location.LocationStatus;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;

/**
 * The demo content of the sandbox EMR: patients (one without a pharmacy, two sharing an MRN),
 * their prescriptions (refillable, ambiguous, controlled, completed, exhausted, expired),
 * providers and staff, clinic locations and pharmacies. Other code, tests and the README rely on
 * these exact ids and identifiers.
 */
public final class SandboxDemoData {

    /** Identifier system of the sandbox's medical record numbers. */
    public static final String MRN_SYSTEM = "urn:telenc:sandbox:mrn";
    /** Identifier system of US National Provider Identifiers. */
    public static final String NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi";
    /** Patient extension, repeated, whose valueReference is a preferred pharmacy Organization. */
    public static final String PREFERRED_PHARMACY_EXTENSION = "http://telenc.org/fhir/StructureDefinition/preferred-pharmacy";
    /** Practitioner extension whose valueCode is an IANA time zone. */
    public static final String TIMEZONE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/timezone";
    /** Organization.type system and code that mark a pharmacy. */
    public static final String PHARMACY_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    public static final String PHARMACY_TYPE_CODE = "PHARM";

    private static final String ORGANIZATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/organization-type";
    private static final String NEW_YORK = "America/New_York";

    private SandboxDemoData() {}

    /** Adds every demo resource whose id is not in the store yet; seeding twice changes nothing. */
    public static void seed(SandboxFhirStore store) {
        Stream.of(organizations(), practitioners(), locations(), patients(), medications(), medicationRequests())
                .flatMap(List::stream)
                .forEach(store::putIfAbsent);
    }

    private static List<Organization> organizations() {
        Organization clinic = new Organization().setActive(true).setName("Springfield Health Group");
        clinic.setId("org-clinic");
        clinic.addType().addCoding().setSystem(ORGANIZATION_TYPE_SYSTEM).setCode("prov").setDisplay("Healthcare Provider");
        return List.of(
                pharmacy("PH-2001", "CVS Pharmacy #1234", true, address("Springfield", "IL", "62701", "200 Oak Ave"),
                        "217-555-0300", "cvs1234@pharmacy.example"),
                pharmacy("PH-2002", "Walgreens #5678", true, address("Springfield", "IL", "62702", "310 Lake St"),
                        "217-555-0400", "walgreens5678@pharmacy.example"),
                pharmacy("PH-2003", "Springfield Compounding (closed)", false, address("Springfield", "IL", "62703", "9 Mill Rd"),
                        "217-555-0500", "compounding@pharmacy.example"),
                clinic);
    }

    private static List<Practitioner> practitioners() {
        return List.of(
                provider("12241", name("Alice", "Morgan", "MD"), "1234567893", true, NEW_YORK),
                provider("12242", name("Brian", "Chen", "DO"), "1245319599", true, "America/Chicago"),
                provider("12243", name("Carol", "Reyes", "MD"), "1407883420", false, NEW_YORK),
                timezone(staff("12220", name("Nina", "Patel", "RN"), "Registered Nurse", true), NEW_YORK),
                staff("12221", name("Omar", "Haddad", null), "Medical Assistant", true),
                staff("12222", new HumanName().setText("Front Desk (sandbox user)"), "Front Desk", true),
                staff("12223", name("Paula", "Stone", null), "Registered Nurse", false));
    }

    private static List<Location> locations() {
        return List.of(
                location("31", "Main Street Clinic", LocationStatus.ACTIVE,
                        address("Springfield", "IL", "62701", "100 Main St", "Suite 200"), "217-555-0100", "217-555-0101"),
                location("32", "Riverside Family Practice", LocationStatus.ACTIVE,
                        address("Springfield", "IL", "62702", "45 River Rd"), "217-555-0200", null),
                location("33", "Old Town Clinic (closed)", LocationStatus.INACTIVE, null, null, null));
    }

    private static List<Patient> patients() {
        return List.of(
                patient("pat-1001", "100234", "Jane", "Doe", AdministrativeGender.FEMALE, "1980-04-12", "PH-2001"),
                patient("pat-1002", "100235", "John", "Smith", AdministrativeGender.MALE, "1975-09-30"),
                patient("pat-1003", "100236", "Maria", "Garcia", AdministrativeGender.FEMALE, "1990-01-05", "PH-2002"),
                patient("pat-1004", "100299", "Alex", "Kim", AdministrativeGender.MALE, "1985-06-15"),
                patient("pat-1005", "100299", "Alexis", "Kim", AdministrativeGender.FEMALE, "1987-11-02"));
    }

    private static List<Medication> medications() {
        Medication albuterol = new Medication().setStatus(Medication.MedicationStatus.ACTIVE)
                .setCode(new CodeableConcept().setText("Albuterol 90 mcg/actuation HFA inhaler"));
        albuterol.setId("med-albuterol");
        return List.of(albuterol);
    }

    private static List<MedicationRequest> medicationRequests() {
        MedicationRequest albuterol = order("mr-1002-1", "pat-1002", "12242", MedicationRequestStatus.ACTIVE, 4,
                "Inhale 2 puffs by mouth every 4 to 6 hours as needed for wheezing.")
                .setMedication(new Reference("Medication/med-albuterol"));
        MedicationRequest sertraline = prescription("mr-1002-2", "pat-1002", "12242", "Sertraline 50 mg tablet",
                MedicationRequestStatus.ACTIVE, 6, "Take 1 tablet by mouth once daily.");
        sertraline.setAuthoredOnElement(new DateTimeType("2023-01-01"));
        sertraline.getDispenseRequest().setValidityPeriod(new Period()
                .setStartElement(new DateTimeType("2023-01-01")).setEndElement(new DateTimeType("2024-01-01")));
        return List.of(
                prescription("mr-1001-1", "pat-1001", "12241", "Lisinopril 10 mg tablet", MedicationRequestStatus.ACTIVE, 5,
                        "Take 1 tablet by mouth once daily."),
                prescription("mr-1001-2", "pat-1001", "12241", "Metformin 500 mg tablet", MedicationRequestStatus.ACTIVE, 3,
                        "Take 1 tablet by mouth twice daily with meals."),
                prescription("mr-1001-3", "pat-1001", "12241", "Metoprolol succinate ER 25 mg tablet", MedicationRequestStatus.ACTIVE, 2,
                        "Take 1 tablet by mouth once daily. Do not crush or chew."),
                prescription("mr-1001-4", "pat-1001", "12241", "Metoprolol tartrate 50 mg tablet", MedicationRequestStatus.ACTIVE, 2,
                        "Take 1 tablet by mouth twice daily."),
                prescription("mr-1001-5", "pat-1001", "12241", "Oxycodone 5 mg tablet", MedicationRequestStatus.ACTIVE, 1,
                        "Take 1 tablet by mouth every 6 hours as needed for severe pain."),
                prescription("mr-1001-6", "pat-1001", "12241", "Amoxicillin 500 mg capsule", MedicationRequestStatus.COMPLETED, 0,
                        "Take 1 capsule by mouth three times daily for 10 days."),
                prescription("mr-1001-7", "pat-1001", "12241", "Atorvastatin 20 mg tablet", MedicationRequestStatus.ACTIVE, 0,
                        "Take 1 tablet by mouth once daily at bedtime."),
                albuterol,
                sertraline);
    }

    private static Organization pharmacy(String id, String name, boolean active, Address address, String phone, String email) {
        Organization pharmacy = new Organization().setActive(active).setName(name).addAddress(address);
        pharmacy.setId(id);
        pharmacy.addType().addCoding().setSystem(PHARMACY_TYPE_SYSTEM).setCode(PHARMACY_TYPE_CODE).setDisplay("Pharmacy");
        pharmacy.addTelecom().setSystem(ContactPointSystem.PHONE).setValue(phone).setUse(ContactPointUse.WORK);
        pharmacy.addTelecom().setSystem(ContactPointSystem.EMAIL).setValue(email).setUse(ContactPointUse.WORK);
        return pharmacy;
    }

    private static Practitioner provider(String id, HumanName name, String npi, boolean active, String timezone) {
        Practitioner provider = staff(id, name, "Physician", active);
        provider.addIdentifier().setSystem(NPI_SYSTEM).setValue(npi);
        return timezone(provider, timezone);
    }

    private static Practitioner staff(String id, HumanName name, String qualification, boolean active) {
        Practitioner practitioner = new Practitioner().setActive(active).addName(name);
        practitioner.setId(id);
        practitioner.addQualification().setCode(new CodeableConcept().setText(qualification));
        return practitioner;
    }

    private static Practitioner timezone(Practitioner practitioner, String timezone) {
        practitioner.addExtension(TIMEZONE_EXTENSION, new CodeType(timezone));
        return practitioner;
    }

    private static HumanName name(String given, String family, String suffix) {
        HumanName name = new HumanName().addGiven(given).setFamily(family);
        if (suffix == null) {
            return name.setText(given + " " + family);
        }
        return name.addSuffix(suffix).setText(given + " " + family + ", " + suffix);
    }

    private static Location location(String id, String name, LocationStatus status, Address address, String phone, String fax) {
        Location location = new Location().setName(name).setStatus(status).setAddress(address);
        location.setId(id);
        if (phone != null) {
            location.addTelecom().setSystem(ContactPointSystem.PHONE).setValue(phone).setUse(ContactPointUse.WORK);
        }
        if (fax != null) {
            location.addTelecom().setSystem(ContactPointSystem.FAX).setValue(fax).setUse(ContactPointUse.WORK);
        }
        return location;
    }

    private static Address address(String city, String state, String postalCode, String... lines) {
        Address address = new Address().setCity(city).setState(state).setPostalCode(postalCode).setCountry("US");
        Stream.of(lines).forEach(address::addLine);
        return address;
    }

    private static Patient patient(String id, String mrn, String given, String family, AdministrativeGender gender,
            String birthDate, String... pharmacyIds) {
        Patient patient = new Patient().setGender(gender).setBirthDateElement(new DateType(birthDate));
        patient.setId(id);
        patient.addIdentifier().setSystem(MRN_SYSTEM).setValue(mrn)
                .setType(new CodeableConcept().setText("Medical record number"));
        patient.addName().addGiven(given).setFamily(family).setText(given + " " + family);
        Stream.of(pharmacyIds).forEach(pharmacyId ->
                patient.addExtension(PREFERRED_PHARMACY_EXTENSION, new Reference("Organization/" + pharmacyId)));
        return patient;
    }

    private static MedicationRequest prescription(String id, String patientId, String prescriberId, String medication,
            MedicationRequestStatus status, int repeats, String dosage) {
        return order(id, patientId, prescriberId, status, repeats, dosage)
                .setMedication(new CodeableConcept().setText(medication));
    }

    private static MedicationRequest order(String id, String patientId, String prescriberId,
            MedicationRequestStatus status, int repeats, String dosage) {
        MedicationRequest order = new MedicationRequest()
                .setStatus(status)
                .setIntent(MedicationRequestIntent.ORDER)
                .setSubject(new Reference("Patient/" + patientId))
                .setRequester(new Reference("Practitioner/" + prescriberId))
                .setAuthoredOnElement(new DateTimeType("2025-01-15"));
        order.setId(id);
        order.addDosageInstruction().setText(dosage);
        order.getDispenseRequest().setNumberOfRepeatsAllowed(repeats);
        return order;
    }
}
