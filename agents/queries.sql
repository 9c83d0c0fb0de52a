-- Queries of the agents package, loaded by db.ScanQueries: the only SQL
-- that writes users, console_sessions, login_attempts, api_tokens and
-- canned_responses.

-- Users: accounts, roles, presence and linked chat accounts.

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

-- name: assignable-agent
SELECT count(*) FROM users WHERE id = $1 AND active AND role IN ('agent_l1', 'agent_l2', 'supervisor');

-- name: touch-login
UPDATE users SET last_login_at = $2 WHERE id = $1;

-- name: presence
SELECT presence FROM users WHERE id = $1;

-- name: set-presence
UPDATE users SET presence = $2 WHERE id = $1;

-- name: mark-assigned
UPDATE users SET last_assigned_at = $2 WHERE id = $1;

-- name: link-slack
UPDATE users SET slack_user_id = nullif($2, '') WHERE username = $1;

-- name: link-mattermost
UPDATE users SET mattermost_user_id = nullif($2, '') WHERE username = $1;

-- Console sessions and login attempts.

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

-- API tokens, stored hashed.

-- name: insert-token
INSERT INTO api_tokens (name, scopes, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: token-by-hash
SELECT id, name, scopes FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: touch-token
UPDATE api_tokens SET last_used_at = $2 WHERE id = $1;

-- name: list-tokens
SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY name;

-- name: revoke-token
UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL;

-- Canned responses.

-- name: canned
SELECT id, lang, title, body FROM canned_responses WHERE lang = $1 OR $1 = '' ORDER BY title;

-- name: insert-canned
INSERT INTO canned_responses (lang, title, body, created_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (lang, title) DO UPDATE SET body = EXCLUDED.body;

-- name: delete-canned
DELETE FROM canned_responses WHERE id = $1;
