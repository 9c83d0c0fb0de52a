-- Queries of the public side of the web: help centre, web form, web chat
-- and tracking pages. The console's queries are in queries.sql.

-- name: rate-lock
-- Serialises the check-and-count of one (bucket, key) across instances.
SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 80));

-- name: rate-count
SELECT count(*) FROM public_rate_events WHERE bucket = $1 AND key = $2 AND at > $3;

-- name: rate-add
INSERT INTO public_rate_events (bucket, key, at) VALUES ($1, $2, $3);

-- name: rate-prune
-- Drops what no window can count any more (run now and then).
DELETE FROM public_rate_events WHERE at < $1;

-- name: chat-messages
-- The web chat's messages after a given id, in every conversation the
-- visitor's key has had (a closed conversation's history stays visible).
SELECT m.id, m.external_id, m.direction, m.author, m.body, m.payload, m.created_at
FROM messages m
JOIN conversations c ON c.id = m.conversation_id
WHERE c.channel = 'web' AND c.conversation_key = $1 AND m.id > $2
ORDER BY m.id
LIMIT 200;

-- name: chat-state
-- The state of the visitor's open conversation ('' when none).
SELECT COALESCE((SELECT state FROM conversations
                 WHERE channel = 'web' AND conversation_key = $1 AND state <> 'closed'), '');
