-- Queries of the web console, loaded by db.ScanQueries.

-- name: user-by-username
SELECT id, username, display_name, email, lang, role, password_hash, active FROM users WHERE lower(username) = lower($1);

-- name: user-by-id
SELECT id, username, display_name, email, lang, role, password_hash, active FROM users WHERE id = $1;

-- name: insert-user
INSERT INTO users (username, display_name, email, lang, role, password_hash, password_changed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: set-password
UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE lower(username) = lower($1);

-- name: set-role
UPDATE users SET role = $2 WHERE lower(username) = lower($1);

-- name: set-active
UPDATE users SET active = $2 WHERE lower(username) = lower($1);

-- name: list-users
SELECT id, username, display_name, email, lang, role, '' AS password_hash, active FROM users ORDER BY username;

-- name: agents
SELECT id, username, display_name, email, lang, role, '' AS password_hash, active FROM users
WHERE active AND role IN ('agent_l1', 'agent_l2', 'supervisor') ORDER BY display_name;

-- name: touch-login
UPDATE users SET last_login_at = $2 WHERE id = $1;

-- name: insert-session
INSERT INTO console_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, remote_addr, user_agent)
VALUES ($1, $2, $3, $4, $4, $5, $6, $7);

-- name: session
-- The session with its user; an inactive user has no session.
SELECT s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
       u.id, u.username, u.display_name, u.email, u.lang, u.role
FROM console_sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND u.active;

-- name: touch-session
UPDATE console_sessions SET last_seen_at = $2 WHERE token_hash = $1;

-- name: delete-session
DELETE FROM console_sessions WHERE token_hash = $1;

-- name: delete-user-sessions
DELETE FROM console_sessions WHERE user_id = (SELECT id FROM users WHERE lower(username) = lower($1));

-- name: delete-expired-sessions
DELETE FROM console_sessions WHERE expires_at <= $1 OR last_seen_at <= $2;

-- name: insert-attempt
INSERT INTO login_attempts (username, remote_addr, at, success) VALUES ($1, $2, $3, $4);

-- name: nth-failure-user
-- The limit-th most recent failure of a username inside the window and
-- after its last success; if there is one, the username is locked until
-- that failure plus the window.
SELECT a.at FROM login_attempts a
WHERE lower(a.username) = lower($1) AND NOT a.success AND a.at > $2
  AND a.at > coalesce((SELECT max(b.at) FROM login_attempts b WHERE lower(b.username) = lower($1) AND b.success), '-infinity')
ORDER BY a.at DESC OFFSET $3 - 1 LIMIT 1;

-- name: nth-failure-addr
SELECT a.at FROM login_attempts a
WHERE a.remote_addr = $1 AND NOT a.success AND a.at > $2
ORDER BY a.at DESC OFFSET $3 - 1 LIMIT 1;

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
  AND ($7::text = '' OR t.subject ILIKE '%' || $7 || '%')
  AND ($9::text = '' OR t.number = $9)
  AND ($10::bigint = 0 OR t.level = 1 OR t.agent_id = $10) -- a level-1 agent's view (web/access.go)
ORDER BY t.id DESC
LIMIT $8;

-- name: ticket-level
SELECT level, agent_id FROM tickets WHERE id = $1;

-- name: assignable-agent
SELECT count(*) FROM users WHERE id = $1 AND active AND role IN ('agent_l1', 'agent_l2', 'supervisor');

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

-- name: canned
SELECT id, lang, title, body FROM canned_responses WHERE lang = $1 OR $1 = '' ORDER BY title;

-- name: insert-canned
INSERT INTO canned_responses (lang, title, body, created_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (lang, title) DO UPDATE SET body = EXCLUDED.body;

-- name: delete-canned
DELETE FROM canned_responses WHERE id = $1;

-- name: presence
SELECT presence FROM users WHERE id = $1;
