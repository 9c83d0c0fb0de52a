-- Queries of the tickets package, loaded by db.ScanQueries.

-- name: next-number
-- The row lock taken by the upsert makes concurrent creations wait for each
-- other, so every number of a year is used once.
INSERT INTO ticket_counters (year, last) VALUES ($1, 1)
ON CONFLICT (year) DO UPDATE SET last = ticket_counters.last + 1
RETURNING last;

-- name: insert-ticket
INSERT INTO tickets (number, requester_id, conversation_id, origin_channel, subject, description, type,
                     category, product, urgency, impact, priority, level, group_name, state, created_at, updated_at, assessment, call_back)
VALUES (:number, :requester_id, :conversation_id, :origin_channel, :subject, :description, :type,
        :category, :product, :urgency, :impact, :priority, :level, :group_name, :state, :created_at, :updated_at, :assessment, :call_back)
RETURNING id;

-- name: get-ticket
SELECT * FROM tickets WHERE id = $1;

-- name: get-ticket-for-update
SELECT * FROM tickets WHERE id = $1 FOR UPDATE;

-- name: get-ticket-by-number
SELECT * FROM tickets WHERE number = $1;

-- name: tickets-of-requester
SELECT * FROM tickets WHERE requester_id = $1 ORDER BY id DESC LIMIT $2;

-- name: update-ticket
UPDATE tickets SET
    category = :category, product = :product, urgency = :urgency, impact = :impact, priority = :priority,
    level = :level, group_name = :group_name, agent_id = :agent_id, external_org = :external_org,
    external_email = :external_email, state = :state, updated_at = :updated_at,
    first_response_at = :first_response_at, resolved_at = :resolved_at, closed_at = :closed_at,
    closure_code = :closure_code, closure_note = :closure_note, type = :type, subject = :subject,
    call_back = :call_back
WHERE id = :id;

-- name: insert-event
INSERT INTO ticket_events (ticket_id, at, actor, kind, field, old_value, new_value, comment_id)
VALUES (:ticket_id, :at, :actor, :kind, :field, :old_value, :new_value, :comment_id)
RETURNING id;

-- name: events
SELECT * FROM ticket_events WHERE ticket_id = $1 ORDER BY id;

-- name: insert-comment
INSERT INTO ticket_comments (ticket_id, author, public, body, created_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: comments
SELECT * FROM ticket_comments WHERE ticket_id = $1 AND (public OR $2) ORDER BY id;

-- name: insert-attachment
INSERT INTO ticket_attachments (ticket_id, comment_id, filename, content_type, size_bytes, sha256, storage_key, created_at)
VALUES (:ticket_id, :comment_id, :filename, :content_type, :size_bytes, :sha256, :storage_key, :created_at)
RETURNING id;

-- name: attachments
SELECT * FROM ticket_attachments WHERE ticket_id = $1 ORDER BY id;

-- name: find-identity
SELECT requester_id FROM requester_identities WHERE channel = $1 AND external_id = $2;

-- name: requester-by-identity
SELECT r.* FROM requester_identities i JOIN requesters r ON r.id = i.requester_id
WHERE i.channel = $1 AND i.external_id = $2;

-- name: insert-requester
INSERT INTO requesters (name, email, lang, created_at) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: insert-identity
-- A concurrent first contact of the same person may win the race: then
-- nothing is inserted and the caller reads the winner's row.
INSERT INTO requester_identities (channel, external_id, requester_id) VALUES ($1, $2, $3)
ON CONFLICT (channel, external_id) DO NOTHING;

-- name: get-requester
SELECT * FROM requesters WHERE id = $1;

-- name: update-requester
-- Only a real change writes a row: channels send the name with every message.
UPDATE requesters SET
    name = CASE WHEN $2 <> '' THEN $2 ELSE name END,
    email = CASE WHEN $3 <> '' THEN $3 ELSE email END
WHERE id = $1 AND (($2 <> '' AND name <> $2) OR ($3 <> '' AND email <> $3));

-- name: requester-fill-email
-- A known requester gives an e-mail address for the first time.
UPDATE requesters SET email = $2 WHERE id = $1 AND email = '';

-- name: requesters-by-email
SELECT id FROM requesters WHERE lower(email) = lower($1) ORDER BY id;

-- name: count-open
SELECT count(*) FROM tickets WHERE state = ANY($1::text[]); -- $1: tickets.OpenStates

-- name: count-sla-events
SELECT count(*) FROM sla_events WHERE kind = $1;
