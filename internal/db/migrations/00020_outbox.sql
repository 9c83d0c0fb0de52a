-- Outgoing messages are sent after the transaction that recorded them
-- commits; sent_at tells which ones reached the platform, so a retry job
-- (or a sweep after a crash) sends each one once.

-- +goose Up
ALTER TABLE messages ADD COLUMN sent_at timestamptz;
ALTER TABLE messages ADD COLUMN send_attempts int NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN send_error text NOT NULL DEFAULT '';
CREATE INDEX messages_unsent ON messages (created_at) WHERE direction = 'out' AND sent_at IS NULL;

-- +goose Down
DROP INDEX messages_unsent;
ALTER TABLE messages DROP COLUMN send_error;
ALTER TABLE messages DROP COLUMN send_attempts;
ALTER TABLE messages DROP COLUMN sent_at;
