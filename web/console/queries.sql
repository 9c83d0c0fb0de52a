-- Queries of the web console, loaded by db.ScanQueries.

-- name: tickets-page
-- Keyset paging, newest first: $1 is the last id of the previous page (0:
-- first page). An empty filter matches everything; lib/pq sends unnamed
-- statements, so PostgreSQL plans with the values and drops the unused
-- conditions (see docs/console.md for the plans).
SELECT t.id, t.number, t.subject, t.state, t.priority, t.level, t.group_name, t.origin_channel,
       t.category, t.created_at, t.updated_at, coalesce(u.display_name, '') AS agent_name
FROM tickets t LEFT JOIN users u ON u.id = t.agent_id
WHERE ($1::bigint = 0 OR t.id < $1)
  AND ($2::text = '' OR t.state = $2)
  AND ($3::text = '' OR t.priority = $3)
  AND ($4::int = 0 OR t.level = $4)
  AND ($5::text = '' OR t.group_name = $5)
  AND ($6::text = '' OR t.origin_channel = $6)
  AND ($7::text = '' OR t.subject ILIKE '%' || replace(replace(replace($7, '\', '\\'), '%', '\%'), '_', '\_') || '%') -- as written: % and _ are no wildcards
  AND ($9::text = '' OR t.number = $9)
  AND ($10::bigint = 0 OR t.level = 1 OR t.agent_id = $10) -- a level-1 agent's view (web/access.go)
ORDER BY t.id DESC
LIMIT $8;

-- name: ticket-level
SELECT level, agent_id FROM tickets WHERE id = $1;

-- name: inbox
-- Conversations waiting for an agent of the given levels, and those the
-- agent holds; voicemails to call back first, then oldest waiting first.
SELECT c.id, c.channel, c.state, c.level, c.agent_id, c.lang, c.last_message_at, c.context,
       coalesce(t.number, '') AS ticket_number, coalesce(t.subject, '') AS subject,
       coalesce(t.priority, '') AS priority, coalesce(r.name, '') AS requester,
       coalesce(u.display_name, '') AS agent_name, coalesce(t.group_name, '') AS group_name,
       coalesce(t.call_back, false) AS call_back
FROM conversations c
LEFT JOIN tickets t ON t.id = c.ticket_id
LEFT JOIN requesters r ON r.id = c.requester_id
LEFT JOIN users u ON u.id = c.agent_id
WHERE (c.state = 'queued' AND c.level = ANY ($1::int[]))
   OR (c.state = 'agent' AND (c.agent_id = $2 OR $3))
ORDER BY (c.state = 'agent' AND c.agent_id = $2) DESC, coalesce(t.call_back, false) AND c.state = 'queued' DESC, c.last_message_at
LIMIT 200;

-- name: requester-name
SELECT coalesce((SELECT name FROM requesters WHERE id = $1), '');
