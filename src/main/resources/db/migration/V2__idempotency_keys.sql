-- Idempotency-Key (contract 2.5): scoped to (client, access token); kept 24 hours.
create table idempotency_key (
    client_pk        varchar(32)  not null,
    access_token_id  varchar(32)  not null,
    idem_key         varchar(255) not null,
    request_hash     varchar(64)  not null,   -- hex SHA-256 of the raw body
    state            varchar(16)  not null,   -- accepting | done
    encounter_id     varchar(32),
    response_status  integer      not null,
    response_body    text         not null,
    created_at       timestamp with time zone not null,
    primary key (client_pk, access_token_id, idem_key)
);
create index idempotency_key_created_idx on idempotency_key(created_at);
