-- A delivery is claimed for the length of one attempt, so two queue messages for the same delivery
-- (a resend next to a scheduled retry, a re-queue after a crash) never post it concurrently.
alter table webhook_delivery add column claimed_until timestamp with time zone;

-- started_at: a consumer picked the job up. swept_at: the sweeper re-queued it. A request stored
-- but never picked up (the engine died between storing and queueing it) is re-queued by the sweeper.
alter table telephone_encounter add column started_at timestamp with time zone;
alter table telephone_encounter add column swept_at timestamp with time zone;
create index telephone_encounter_unstarted_idx on telephone_encounter(status, started_at, created_at);
