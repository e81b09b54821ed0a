-- Set when an attempt to the URL fails retryably (no answer, timeout, 408/429/5xx), cleared by a
-- success. Deliveries to a failing URL leave the main delivery lane for the retry lane, so a dead
-- receiver does not hold the consumers that other clients' deliveries need.
alter table webhook_endpoint add column failing_since timestamp with time zone;
