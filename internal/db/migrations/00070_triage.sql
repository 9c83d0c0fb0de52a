-- Triage threads in Slack or Mattermost (adapters/triage): which console
-- user a chat account is, one card per handed-over conversation, and the
-- triage events already acted on.

-- +goose Up
ALTER TABLE users ADD COLUMN slack_user_id text;
ALTER TABLE users ADD COLUMN mattermost_user_id text;
CREATE UNIQUE INDEX users_slack_user_id ON users (slack_user_id) WHERE slack_user_id IS NOT NULL;
CREATE UNIQUE INDEX users_mattermost_user_id ON users (mattermost_user_id) WHERE mattermost_user_id IS NOT NULL;

-- One card per conversation and triage channel: the unique key is how
-- several instances agree on who posts it. thread_id is NULL while the
-- claimant posts; a claim left unposted (a crash) is taken over after a
-- while. relayed_message_id is the last message of the conversation
-- copied into the thread.
CREATE TABLE triage_cards (
    id                 bigserial PRIMARY KEY,
    conversation_id    bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    platform           text NOT NULL CHECK (platform IN ('slack', 'mattermost')),
    channel_id         text NOT NULL,
    thread_id          text,
    claimed_at         timestamptz NOT NULL,
    posted_at          timestamptz,
    relayed_message_id bigint NOT NULL DEFAULT 0,
    UNIQUE (platform, channel_id, conversation_id)
);
CREATE UNIQUE INDEX triage_cards_thread ON triage_cards (platform, channel_id, thread_id) WHERE thread_id IS NOT NULL;

-- Thread messages and button presses already acted on: a redelivered
-- event, or one seen by two instances, runs once.
CREATE TABLE triage_events (
    platform text NOT NULL,
    event_id text NOT NULL,
    at       timestamptz NOT NULL,
    PRIMARY KEY (platform, event_id)
);
CREATE INDEX triage_events_at ON triage_events (at);

-- +goose Down
DROP TABLE triage_events;
DROP TABLE triage_cards;
DROP INDEX users_mattermost_user_id;
DROP INDEX users_slack_user_id;
ALTER TABLE users DROP COLUMN mattermost_user_id;
ALTER TABLE users DROP COLUMN slack_user_id;
