-- Core schema. Written for PostgreSQL; H2 runs with MODE=PostgreSQL so the same migrations apply.
-- Engine ids are 32 lowercase hex characters; EMR ids (ehr_id) are the EMR's own strings.

create table api_client (
    id           varchar(32)  primary key,
    client_id    varchar(128) not null unique,
    secret_hash  varchar(64)  not null,            -- hex SHA-256 of a high-entropy secret
    name         varchar(200) not null,
    status       varchar(16)  not null default 'active',
    created_at   timestamp with time zone not null
);

create table emr_connection (
    id           varchar(32)  primary key,
    name         varchar(200) not null,
    emr_type     varchar(40)  not null,            -- selects the adapter: routes/emr/<type>.camel.yaml
    base_url     varchar(1000) not null,           -- 'embedded:sandbox' = the engine's own sandbox EMR
    settings     text,                              -- adapter settings as JSON
    status       varchar(16)  not null default 'active',
    last_synced_at timestamp with time zone,
    created_at   timestamp with time zone not null
);

create table access_token (
    id               varchar(32)  primary key,
    token_hash       varchar(64)  not null unique,  -- hex SHA-256 of the token
    client_pk        varchar(32)  not null references api_client(id),
    connection_id    varchar(32)  not null references emr_connection(id),
    emr_user_ehr_id  varchar(128) not null,
    reference_id     varchar(200) not null,        -- access_token_reference_id echoed in webhooks
    status           varchar(16)  not null default 'active',   -- active | expired | revoked
    expires_at       timestamp with time zone,
    created_at       timestamp with time zone not null
);
create index access_token_client_idx on access_token(client_pk);

-- Reference tables, synced from each EMR connection. Only status = 'active' rows pass intake checks.
create table emr_user (
    id            varchar(32)  primary key,
    connection_id varchar(32)  not null references emr_connection(id),
    ehr_id        varchar(128) not null,
    name          varchar(300),
    status        varchar(16)  not null,
    synced_at     timestamp with time zone not null,
    unique (connection_id, ehr_id)
);

create table provider (
    id            varchar(32)  primary key,
    connection_id varchar(32)  not null references emr_connection(id),
    ehr_id        varchar(128) not null,
    name          varchar(300),
    npi           varchar(20),
    timezone      varchar(64),
    status        varchar(16)  not null,
    synced_at     timestamp with time zone not null,
    unique (connection_id, ehr_id)
);

create table location (
    id            varchar(32)  primary key,
    connection_id varchar(32)  not null references emr_connection(id),
    ehr_id        varchar(128) not null,
    name          varchar(300),
    address1      varchar(300),
    address2      varchar(300),
    city          varchar(100),
    state         varchar(50),
    zip           varchar(20),
    phone         varchar(50),
    fax           varchar(50),
    status        varchar(16)  not null,
    synced_at     timestamp with time zone not null,
    unique (connection_id, ehr_id)
);

create table staff (
    id            varchar(32)  primary key,
    connection_id varchar(32)  not null references emr_connection(id),
    ehr_id        varchar(128) not null,
    name          varchar(300),
    role          varchar(100),
    status        varchar(16)  not null,
    synced_at     timestamp with time zone not null,
    unique (connection_id, ehr_id)
);

create table pharmacy (
    id            varchar(32)  primary key,
    connection_id varchar(32)  not null references emr_connection(id),
    ehr_id        varchar(128) not null,
    name          varchar(300),
    address       varchar(600),
    phone         varchar(50),
    email         varchar(200),
    status        varchar(16)  not null,
    synced_at     timestamp with time zone not null,
    unique (connection_id, ehr_id)
);

create sequence job_id_seq start with 1001;

create table telephone_encounter (
    id                 varchar(32)  primary key,
    job_id             bigint       not null unique,
    client_pk          varchar(32)  not null references api_client(id),
    access_token_id    varchar(32)  not null references access_token(id),
    connection_id      varchar(32)  not null references emr_connection(id),
    status             varchar(16)  not null,      -- processing | completed | partial | failed
    emr_appointment_id varchar(200),
    reasons            text,                        -- JSON array of {code, description}
    created_at         timestamp with time zone not null,
    updated_at         timestamp with time zone not null
);
create index telephone_encounter_client_idx on telephone_encounter(client_pk, created_at);

-- The request as accepted (PHI): kept apart so that retention can purge it and keep the outcome.
create table telephone_encounter_request (
    encounter_id  varchar(32) primary key references telephone_encounter(id) on delete cascade,
    payload       text        not null,
    created_at    timestamp with time zone not null
);

create table webhook_endpoint (
    id                  varchar(32)   primary key,
    client_pk           varchar(32)   not null references api_client(id),
    url                 varchar(2000) not null,
    signature_scheme    varchar(16)   not null,     -- cobalt | standard
    secret              varchar(200)  not null,
    status              varchar(16)   not null,     -- enabled | disabled | deleted
    created_at          timestamp with time zone not null
);
create index webhook_endpoint_client_idx on webhook_endpoint(client_pk, status);

create table webhook_event (
    id                        varchar(40)  primary key,   -- evt_ + 32 hex
    client_pk                 varchar(32)  not null references api_client(id),
    encounter_id              varchar(32)  references telephone_encounter(id),
    job_id                    bigint,
    event_type                varchar(64)  not null,
    access_token_reference_id varchar(200),
    body                      text         not null,      -- exact signed bytes, stable across attempts
    created_at                timestamp with time zone not null
);
create unique index webhook_event_encounter_type_idx on webhook_event(encounter_id, event_type);
create index webhook_event_client_idx on webhook_event(client_pk, created_at);
create index webhook_event_job_idx on webhook_event(client_pk, job_id);

create table webhook_delivery (
    id               varchar(32)   primary key,
    event_id         varchar(40)   not null references webhook_event(id),
    endpoint_id      varchar(32)   not null references webhook_endpoint(id),
    url              varchar(2000) not null,
    status           varchar(16)   not null,   -- pending | success | failed
    attempt_count    integer       not null default 0,
    next_attempt_at  timestamp with time zone,
    last_status_code integer,
    created_at       timestamp with time zone not null,
    updated_at       timestamp with time zone not null
);
create index webhook_delivery_event_idx on webhook_delivery(event_id);
create index webhook_delivery_status_idx on webhook_delivery(status, next_attempt_at);

create table webhook_attempt (
    delivery_id      varchar(32)  not null references webhook_delivery(id),
    attempt_no       integer      not null,
    attempted_at     timestamp with time zone not null,
    status_code      integer,
    latency_ms       bigint       not null,
    error            varchar(200),
    response_excerpt varchar(500),
    primary key (delivery_id, attempt_no)
);
