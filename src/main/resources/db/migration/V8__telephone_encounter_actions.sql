-- Add Action (POST /v1/telephone-encounters/actions): a note line appended to an encounter the EMR
-- already holds. One row per accepted action; job_id comes from the same sequence as encounters'.
-- payload is the request as accepted (its text is PHI); the outcome columns stay when it is purged.
create table telephone_encounter_action (
    id                 varchar(32)  primary key,
    job_id             bigint       not null unique,
    client_pk          varchar(32)  not null references api_client(id),
    access_token_id    varchar(32)  not null references access_token(id),
    connection_id      varchar(32)  not null references emr_connection(id),
    emr_appointment_id text         not null,      -- the EMR's id of the encounter, as the client sent it (any length)
    payload            text,                        -- JSON request (PHI), nullable so retention can purge it
    status             varchar(16)  not null,      -- processing | completed | failed
    note_id            varchar(200),                -- the EMR's id of the note (FHIR Communication)
    reasons            text,                        -- JSON array of {code, description}
    created_at         timestamp with time zone not null,
    updated_at         timestamp with time zone not null
);
create index telephone_encounter_action_client_idx on telephone_encounter_action(client_pk, created_at);

-- An action's terminal event (telephone_encounter_action.created | .failed): one per action.
alter table webhook_event add column action_id varchar(32);
alter table webhook_event add constraint webhook_event_action_fk
    foreign key (action_id) references telephone_encounter_action(id);
create unique index webhook_event_action_idx on webhook_event(action_id);
