-- Core schema: people, tickets with their event log, conversations and
-- their messages. Every later capability adds its own migration.

-- +goose Up

-- Console users: agents of level 1 and 2, editors, supervisors, admins.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    email         text NOT NULL DEFAULT '',
    lang          text NOT NULL DEFAULT 'it' CHECK (lang IN ('it', 'en')),
    role          text NOT NULL CHECK (role IN ('agent_l1', 'agent_l2', 'editor', 'supervisor', 'admin')),
    password_hash text NOT NULL DEFAULT '',
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- People who ask for help, whatever channel they come from.
CREATE TABLE requesters (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL DEFAULT '',
    email      text NOT NULL DEFAULT '',
    lang       text NOT NULL DEFAULT 'it' CHECK (lang IN ('it', 'en')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX requesters_email ON requesters (lower(email)) WHERE email <> '';

-- How a requester is known on each channel (Slack user id, Telegram chat id,
-- e-mail address …).
CREATE TABLE requester_identities (
    channel      text NOT NULL,
    external_id  text NOT NULL,
    requester_id bigint NOT NULL REFERENCES requesters (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX requester_identities_requester ON requester_identities (requester_id);

-- One counter row per year gives HD-YYYY-NNNNNN numbers without gaps from
-- rolled-back sequences and without duplicates under concurrency: the
-- upsert takes the row lock.
CREATE TABLE ticket_counters (
    year int PRIMARY KEY,
    last int NOT NULL
);

CREATE TABLE tickets (
    id                bigserial PRIMARY KEY,
    number            text NOT NULL UNIQUE,
    requester_id      bigint REFERENCES requesters (id),
    origin_channel    text NOT NULL,
    subject           text NOT NULL,
    description       text NOT NULL DEFAULT '',
    type              text NOT NULL CHECK (type IN ('incident', 'request', 'question', 'suggestion')),
    category          text NOT NULL DEFAULT '',
    product           text NOT NULL DEFAULT '',
    urgency           text NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
    impact            text NOT NULL CHECK (impact IN ('high', 'medium', 'low')),
    priority          text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    level             smallint NOT NULL DEFAULT 1 CHECK (level IN (1, 2)),
    group_name        text NOT NULL DEFAULT '',
    agent_id          bigint REFERENCES users (id),
    external_org      text NOT NULL DEFAULT '',
    external_email    text NOT NULL DEFAULT '',
    state             text NOT NULL CHECK (state IN ('new', 'open', 'waiting_requester', 'waiting_third_party',
                                                     'resolved', 'closed', 'cancelled')),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    first_response_at timestamptz,
    resolved_at       timestamptz,
    closed_at         timestamptz,
    closure_code      text NOT NULL DEFAULT '',
    closure_note      text NOT NULL DEFAULT ''
);
CREATE INDEX tickets_state_priority ON tickets (state, priority, id DESC);
CREATE INDEX tickets_requester ON tickets (requester_id, id DESC);
CREATE INDEX tickets_created ON tickets (created_at);

-- Public comments (seen by the requester) and internal notes (agents only).
CREATE TABLE ticket_comments (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author     text NOT NULL,
    public     boolean NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id, id);

-- Attachment metadata; the bytes live where storage_key says.
CREATE TABLE ticket_attachments (
    id           bigserial PRIMARY KEY,
    ticket_id    bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    comment_id   bigint REFERENCES ticket_comments (id) ON DELETE SET NULL,
    filename     text NOT NULL,
    content_type text NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    sha256       text NOT NULL,
    storage_key  text NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id);

-- The append-only audit trail of a ticket, and the only source of reports.
CREATE TABLE ticket_events (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    kind       text NOT NULL,
    field      text NOT NULL DEFAULT '',
    old_value  text NOT NULL DEFAULT '',
    new_value  text NOT NULL DEFAULT '',
    comment_id bigint REFERENCES ticket_comments (id)
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_at ON ticket_events (at);

-- +goose StatementBegin
CREATE FUNCTION ticket_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ticket_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();

-- A conversation is one exchange on one channel with one requester, from
-- the first message until it is closed. At most one is open per
-- (channel, conversation key).
CREATE TABLE conversations (
    id               bigserial PRIMARY KEY,
    channel          text NOT NULL,
    conversation_key text NOT NULL,
    requester_id     bigint REFERENCES requesters (id),
    lang             text NOT NULL DEFAULT 'it' CHECK (lang IN ('it', 'en')),
    state            text NOT NULL DEFAULT 'bot' CHECK (state IN ('bot', 'queued', 'agent', 'resolved', 'closed')),
    level            smallint NOT NULL DEFAULT 1 CHECK (level IN (1, 2)),
    agent_id         bigint REFERENCES users (id),
    ticket_id        bigint REFERENCES tickets (id),
    context          jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    last_message_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX conversations_open_key ON conversations (channel, conversation_key) WHERE state <> 'closed';
CREATE INDEX conversations_state ON conversations (state, updated_at);

ALTER TABLE tickets ADD COLUMN conversation_id bigint REFERENCES conversations (id);

-- Every message in and out. (channel, external_id) is unique, so an event
-- delivered twice by a platform is stored once.
CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel         text NOT NULL,
    external_id     text NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('in', 'out')),
    author          text NOT NULL,
    body            text NOT NULL,
    payload         jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE conversation_events (
    id              bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    at              timestamptz NOT NULL,
    actor           text NOT NULL,
    kind            text NOT NULL,
    old_value       text NOT NULL DEFAULT '',
    new_value       text NOT NULL DEFAULT ''
);
CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, id);

-- +goose Down
DROP TABLE conversation_events;
DROP TABLE messages;
ALTER TABLE tickets DROP COLUMN conversation_id;
DROP TABLE conversations;
DROP TRIGGER ticket_events_no_update ON ticket_events;
DROP FUNCTION ticket_events_append_only();
DROP TABLE ticket_events;
DROP TABLE ticket_attachments;
DROP TABLE ticket_comments;
DROP TABLE tickets;
DROP TABLE ticket_counters;
DROP TABLE requester_identities;
DROP TABLE requesters;
DROP TABLE users;
