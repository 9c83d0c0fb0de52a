-- The agents' web console: server-side sessions, the log of login attempts
-- that drives lockout, canned responses, and the indexes that keep the
-- ticket list fast at a million rows (see docs/console.md).

-- +goose Up

-- Only the SHA-256 of the session token is stored: a leaked table does not
-- give working cookies. Sessions end when idle (last_seen_at) or at
-- expires_at, whichever comes first.
CREATE TABLE console_sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    remote_addr  text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- Every login attempt, failed or not, by the username typed (known or not)
-- and the client address.
CREATE TABLE login_attempts (
    id          bigserial PRIMARY KEY,
    username    text NOT NULL,
    remote_addr text NOT NULL,
    at          timestamptz NOT NULL,
    success     boolean NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (lower(username), at DESC);
CREATE INDEX login_attempts_addr ON login_attempts (remote_addr, at DESC);

ALTER TABLE users ADD COLUMN last_login_at timestamptz;
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;

-- Ready-made replies agents insert in the reply box.
CREATE TABLE canned_responses (
    id         bigserial PRIMARY KEY,
    lang       text NOT NULL CHECK (lang IN ('it', 'en')),
    title      text NOT NULL,
    body       text NOT NULL,
    created_by text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lang, title)
);

-- Ticket list: newest first (id DESC), keyset-paged, with optional
-- filters. One (column, id DESC) index per filter lets PostgreSQL walk
-- the rows of one value in page order and stop after a page.
CREATE INDEX tickets_state_id ON tickets (state, id DESC);
CREATE INDEX tickets_priority_id ON tickets (priority, id DESC);
CREATE INDEX tickets_level_id ON tickets (level, id DESC);
CREATE INDEX tickets_group_id ON tickets (group_name, id DESC);
CREATE INDEX tickets_channel_id ON tickets (origin_channel, id DESC);
CREATE INDEX tickets_agent_id ON tickets (agent_id, id DESC) WHERE agent_id IS NOT NULL;
-- Text filter: substring of the subject, through trigrams.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tickets_subject_trgm ON tickets USING gin (subject gin_trgm_ops);

-- Inbox: queued and held conversations.
CREATE INDEX conversations_inbox ON conversations (state, level, last_message_at) WHERE state IN ('queued', 'agent');

-- +goose Down
DROP INDEX conversations_inbox;
DROP INDEX tickets_subject_trgm;
DROP INDEX tickets_agent_id;
DROP INDEX tickets_channel_id;
DROP INDEX tickets_group_id;
DROP INDEX tickets_level_id;
DROP INDEX tickets_priority_id;
DROP INDEX tickets_state_id;
DROP TABLE canned_responses;
ALTER TABLE users DROP COLUMN password_changed_at;
ALTER TABLE users DROP COLUMN last_login_at;
DROP TABLE login_attempts;
DROP TABLE console_sessions;
