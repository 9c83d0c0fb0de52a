-- name: unsent-replies
-- Replies recorded but never marked sent, oldest first: their instance
-- died between commit and send, or the send failed and its retry job was
-- lost. Only channels this instance can send on; capped attempts, so a
-- reply the platform refuses for good is not retried for ever.
SELECT id, channel FROM messages
WHERE direction = 'out' AND sent_at IS NULL AND failed_at IS NULL
  AND created_at < $1 AND created_at > $2
  AND channel = ANY($3) AND send_attempts < $4
ORDER BY id
LIMIT $5;

-- name: earlier-unsent-of-message
-- Replies of the same conversation, older than this one, still unsent: a
-- new reply must wait behind them (after a crash, or a failed send whose
-- retry job has not run yet), or the user reads them out of order.
SELECT count(*) FROM messages o JOIN messages m ON m.conversation_id = o.conversation_id
WHERE m.id = $1 AND o.direction = 'out' AND o.sent_at IS NULL AND o.failed_at IS NULL AND o.id < m.id;
