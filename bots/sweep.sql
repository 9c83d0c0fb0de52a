-- name: unsent-replies
-- Replies recorded but never marked sent, oldest first: their instance
-- died between commit and send, or the send failed and its retry job was
-- lost. Only channels this instance can send on; capped attempts, so a
-- reply the platform refuses for good is not retried for ever.
SELECT id, channel FROM messages
WHERE direction = 'out' AND sent_at IS NULL
  AND created_at < $1 AND created_at > $2
  AND channel = ANY($3) AND send_attempts < $4
ORDER BY id
LIMIT $5;
