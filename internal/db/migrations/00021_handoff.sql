-- Handoff to human agents: presence and capacity for round-robin
-- assignment, and the requester's satisfaction after resolution.

-- +goose Up
ALTER TABLE users ADD COLUMN presence text NOT NULL DEFAULT 'away' CHECK (presence IN ('online', 'away'));
ALTER TABLE users ADD COLUMN capacity int NOT NULL DEFAULT 5 CHECK (capacity >= 0);
ALTER TABLE users ADD COLUMN last_assigned_at timestamptz;

CREATE INDEX conversations_agent ON conversations (agent_id) WHERE state = 'agent';
CREATE INDEX conversations_queue ON conversations (level, created_at) WHERE state = 'queued';

CREATE TABLE satisfaction (
    id              bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    ticket_id       bigint REFERENCES tickets (id) ON DELETE CASCADE,
    rating          smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at      timestamptz NOT NULL,
    UNIQUE (conversation_id, ticket_id)
);

-- +goose Down
DROP TABLE satisfaction;
DROP INDEX conversations_queue;
DROP INDEX conversations_agent;
ALTER TABLE users DROP COLUMN last_assigned_at;
ALTER TABLE users DROP COLUMN capacity;
ALTER TABLE users DROP COLUMN presence;
