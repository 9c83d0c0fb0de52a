-- Queries of the conversation log, loaded by db.ScanQueries.

-- name: insert-conversation
-- At most one open conversation per (channel, key): a concurrent first
-- message finds the other's row instead of making a second one.
INSERT INTO conversations (channel, conversation_key, requester_id, lang, created_at, updated_at, last_message_at)
VALUES ($1, $2, $3, $4, $5, $5, $5)
ON CONFLICT (channel, conversation_key) WHERE state <> 'closed' DO NOTHING;

-- name: lock-open-conversation
SELECT * FROM conversations
WHERE channel = $1 AND conversation_key = $2 AND state <> 'closed'
FOR UPDATE;

-- name: get-conversation
SELECT * FROM conversations WHERE id = $1;

-- name: lock-conversation
SELECT * FROM conversations WHERE id = $1 FOR UPDATE;

-- name: update-conversation
UPDATE conversations SET
    requester_id = :requester_id, lang = :lang, state = :state, level = :level, agent_id = :agent_id,
    ticket_id = :ticket_id, context = :context, updated_at = :updated_at, last_message_at = :last_message_at
WHERE id = :id;

-- name: insert-message
-- A platform that delivers the same event twice hits the unique key:
-- nothing is inserted and no id comes back, which tells the caller the
-- message is not new.
INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, payload, created_at)
VALUES (:conversation_id, :channel, :external_id, :direction, :author, :body, :payload, :created_at)
ON CONFLICT (channel, external_id) DO NOTHING
RETURNING id;

-- name: messages
SELECT * FROM messages WHERE conversation_id = $1 ORDER BY id;

-- name: insert-conversation-event
INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: conversation-events
SELECT * FROM conversation_events WHERE conversation_id = $1 ORDER BY id;

-- name: get-message
SELECT * FROM messages WHERE id = $1;

-- name: mark-sent
-- One statement for all the replies of a message: one commit, not one each.
UPDATE messages SET sent_at = $2, send_attempts = send_attempts + 1, send_error = ''
WHERE id = ANY($1) AND sent_at IS NULL;

-- name: mark-failed
UPDATE messages SET send_attempts = send_attempts + 1, send_error = $2 WHERE id = $1;

-- name: earlier-unsent
-- Replies of one conversation go out in order: a reply waits while an
-- earlier one is still unsent.
SELECT count(*) FROM messages
WHERE conversation_id = $1 AND direction = 'out' AND sent_at IS NULL AND id < $2;

-- name: conversation-key
SELECT conversation_key FROM conversations WHERE id = $1;

-- name: close-idle
-- Conversations the bot holds and nobody wrote to since $1 are closed; a
-- ticket they opened stays as it is.
WITH idle AS (
    UPDATE conversations SET state = 'closed', updated_at = $2, context = '{}'
    WHERE state = 'bot' AND last_message_at < $1
    RETURNING id
)
INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
SELECT id, $2, 'system', 'state', 'bot', 'closed' FROM idle;
