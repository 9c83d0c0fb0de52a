-- Personal-data queries of the tickets package, loaded by db.ScanQueries.

-- name: allow-privacy-update
SET LOCAL helpdesk.privacy_update = 'on';

-- name: expired-tickets
SELECT t.id FROM tickets t
WHERE t.state IN ('closed', 'cancelled') AND t.closed_at < $1
  AND NOT EXISTS (SELECT 1 FROM anonymised a WHERE a.kind = 'ticket' AND a.id = t.id)
ORDER BY t.id LIMIT $2;

-- name: expired-conversations
SELECT c.id FROM conversations c
WHERE c.state = 'closed' AND c.last_message_at < $1
  AND c.created_at < $1 -- implied, and indexed (conversations_created)
  AND NOT EXISTS (SELECT 1 FROM anonymised a WHERE a.kind = 'conversation' AND a.id = c.id)
ORDER BY c.id LIMIT $2;

-- name: expired-requesters
-- Requesters with nothing left after the cut-off: no open ticket, no
-- recent ticket or conversation.
SELECT r.id FROM requesters r
WHERE NOT EXISTS (SELECT 1 FROM anonymised a WHERE a.kind = 'requester' AND a.id = r.id)
  AND r.created_at < $1
  AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.requester_id = r.id
                  AND (t.created_at >= $1 OR t.state NOT IN ('closed', 'cancelled') OR t.closed_at >= $1))
  AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.requester_id = r.id AND (c.last_message_at >= $1 OR c.state <> 'closed'))
ORDER BY r.id LIMIT $2;

-- name: ticket-texts
SELECT subject, description FROM tickets WHERE id = $1 FOR UPDATE;

-- name: set-ticket-texts
UPDATE tickets SET subject = $2, description = $3, external_email = '',
    assessment = assessment - 'query' - 'why' WHERE id = $1;

-- name: comment-texts
SELECT id, body FROM ticket_comments WHERE ticket_id = $1;

-- name: set-comment-text
UPDATE ticket_comments SET body = $2 WHERE id = $1;

-- name: event-texts
SELECT id, old_value, new_value FROM ticket_events WHERE ticket_id = $1 AND (old_value <> '' OR new_value <> '');

-- name: set-event-texts
UPDATE ticket_events SET old_value = $2, new_value = $3 WHERE id = $1;

-- name: clear-requester
UPDATE requesters SET name = '', email = '' WHERE id = $1;

-- name: delete-identities
DELETE FROM requester_identities WHERE requester_id = $1;

-- name: mark-anonymised
INSERT INTO anonymised (kind, id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;

-- name: privacy-action
INSERT INTO privacy_actions (at, actor, action, requester_id, detail) VALUES ($1, $2, $3, $4, $5);

-- name: requester-tickets
SELECT id FROM tickets WHERE requester_id = $1 ORDER BY id;

-- name: requester-conversations
SELECT id FROM conversations WHERE requester_id = $1 ORDER BY id;

-- name: requester-identities
SELECT channel, external_id FROM requester_identities WHERE requester_id = $1 ORDER BY channel;

-- name: conversation-messages
SELECT direction, author, body, created_at FROM messages WHERE conversation_id = $1 ORDER BY id;

-- name: record-view
INSERT INTO ticket_views (user_id, ticket_id, at) VALUES ($1, $2, $3);

-- name: ticket-viewers
SELECT user_id, at FROM ticket_views WHERE ticket_id = $1 ORDER BY at DESC, id DESC LIMIT $2;
