-- reason: why an operator acted (the operator console asks for it on every action), never patient
-- data; null for API answers and the engine's own outcomes.
alter table audit_log add column reason varchar(200);
