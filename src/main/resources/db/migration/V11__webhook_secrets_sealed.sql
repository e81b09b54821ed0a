-- Webhook signing secrets rest sealed (AES-256-GCM, the same box as EMR credentials): a sealed value
-- is longer than the secret (key id, IV, tag, base64). Existing clear values are sealed once at the
-- next start (WebhookSecretResealing); SET DATA TYPE is understood by H2 and PostgreSQL alike.
alter table webhook_endpoint alter column secret set data type varchar(1000);
alter table webhook_endpoint alter column previous_secret set data type varchar(1000);
-- the action scope check: which client's request created an EMR encounter on a connection
create index telephone_encounter_emr_idx on telephone_encounter(connection_id, emr_appointment_id);
