-- Queries of the e-mail adapter. It reads the engine's tables (no table of
-- its own): which ticket a reply belongs to, and which choices a mail of
-- ours offered.

-- name: reply-context
-- What a reply needs to be threaded and worded: who wrote it (the bot or
-- an agent), the conversation's language, and its ticket's number and subject.
SELECT m.author, c.lang, COALESCE(t.number, '') AS number, COALESCE(t.subject, '') AS subject
FROM messages m
JOIN conversations c ON c.id = m.conversation_id
LEFT JOIN tickets t ON t.id = c.ticket_id
WHERE m.id = $1;

-- name: offered-choices
-- The latest of our mails among those a reply references, in a
-- conversation still open: its conversation key and payload (its buttons).
SELECT c.conversation_key, m.payload
FROM messages m
JOIN conversations c ON c.id = m.conversation_id
WHERE m.channel = 'email' AND m.direction = 'out' AND m.external_id = ANY($1) AND c.state <> 'closed'
ORDER BY m.id DESC
LIMIT 1;
