-- Operators provision clients, connections and tokens (admin API, provisioning file).
-- credentials: the connection's EMR credentials as JSON, encrypted (AES-256-GCM, SecretBox).
alter table emr_connection add column credentials text;
create unique index emr_connection_name_idx on emr_connection(name);
-- tokens are provisioned per (client, access_token_reference_id)
create index access_token_reference_idx on access_token(client_pk, reference_id);
