-- Indexes the period report needs to stay fast over millions of rows.

-- +goose Up
CREATE INDEX tickets_resolved_at ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX conversations_created ON conversations (created_at);
CREATE INDEX conversation_events_solved ON conversation_events (conversation_id) WHERE kind = 'solved_by_bot';
CREATE INDEX satisfaction_created ON satisfaction (created_at);

-- +goose Down
DROP INDEX satisfaction_created;
DROP INDEX conversation_events_solved;
DROP INDEX conversations_created;
DROP INDEX tickets_resolved_at;
