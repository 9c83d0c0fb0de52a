-- +goose Up
-- API tokens of integrations: only the SHA-256 of the secret is kept; the
-- token itself is shown once, when it is created.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    scopes       text[] NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- Outgoing webhooks: where events go and which kinds.
CREATE TABLE webhook_subscriptions (
    id         bigserial PRIMARY KEY,
    url        text NOT NULL,
    secret     text NOT NULL,
    kinds      text[] NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);

-- One row per (subscription, event): the delivery log admins read.
-- source is 'ticket' (ticket_events) or 'conversation' (conversation_events).
CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    source          text NOT NULL DEFAULT 'ticket',
    event_id        bigint NOT NULL,
    kind            text NOT NULL,
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    last_status     int NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (subscription_id, source, event_id)
);
CREATE INDEX webhook_deliveries_sub ON webhook_deliveries (subscription_id, id DESC);

-- How far the webhook scanner has read each event table.
CREATE TABLE webhook_cursor (
    name          text PRIMARY KEY,
    last_event_id bigint NOT NULL
);

-- +goose Down
DROP TABLE webhook_cursor;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE api_tokens;
