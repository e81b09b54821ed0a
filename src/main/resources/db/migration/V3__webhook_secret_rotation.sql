-- rotate-secret (contract 2.8): the previous secret keeps verifying until previous_secret_expires_at.
alter table webhook_endpoint add column previous_secret varchar(200);
alter table webhook_endpoint add column previous_secret_expires_at timestamp with time zone;
