-- watchdog_at: when the job watchdog re-queued a job still processing long past its redelivery and
-- EMR-retry budget (engine.watchdog.after). A job it already re-queued that is still processing
-- engine.watchdog.grace later ends failed (internal_error) with its webhook.
alter table telephone_encounter add column watchdog_at timestamp with time zone;
alter table telephone_encounter_action add column watchdog_at timestamp with time zone;
