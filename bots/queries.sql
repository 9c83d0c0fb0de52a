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
