-- +goose NO TRANSACTION
-- The second half of 00192, each statement on its own, so that no write
-- to messages waits for it (docs/operations.md: CONCURRENTLY for big
-- tables, without a transaction):
--
-- - the marks recorded before 00192 are copied (those made since came
--   through its triggers; ON CONFLICT skips them);
-- - messages_out_pending, on every reply not failed for good, serves the
--   sweep's window of created_at (each reply then looked up in
--   message_deliveries; INCLUDE (id) lets the walk stay in the index);
-- - the two partial indexes on sent_at go: nothing of this release reads
--   sent_at, the previous release's queries run on messages_out_pending
--   and messages_conversation, and without them the triggers' UPDATE of
--   sent_at can be HOT. The per-conversation "is a reply still unsent"
--   questions (finish-turns' behind, earlier-unsent) walk
--   messages_conversation (conversation_id, id). Net: one index entry
--   fewer for every reply recorded.
--
-- IF [NOT] EXISTS: a statement that failed half way (a CONCURRENTLY build
-- can) is run again by the next migrate without complaint; an invalid
-- index left by a failed build must be dropped by hand first.

-- +goose Up
INSERT INTO message_deliveries (message_id, sent_at)
SELECT id, sent_at FROM messages WHERE sent_at IS NOT NULL
ON CONFLICT (message_id) DO NOTHING;
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_out_pending ON messages (created_at) INCLUDE (id)
    WHERE direction = 'out' AND failed_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS messages_unsent_conversation;
DROP INDEX CONCURRENTLY IF EXISTS messages_unsent;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_unsent ON messages (created_at) WHERE direction = 'out' AND sent_at IS NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_unsent_conversation ON messages (conversation_id) WHERE direction = 'out' AND sent_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS messages_out_pending;
