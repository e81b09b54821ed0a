-- What the connection's FHIR server says it can do (CapabilityStatement, read at every sync).
-- telephone_encounters: null until known; false makes the API answer unsupported_emr.
alter table emr_connection add column telephone_encounters boolean;
alter table emr_connection add column capabilities varchar(500);
