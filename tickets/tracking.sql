-- Tracking tokens (tracking.go), loaded by db.ScanQueries.

-- name: token-insert
INSERT INTO tracking_tokens (ticket_id, token_hash, created_at) VALUES ($1, $2, $3);

-- name: token-hashes
-- Every token hash of a ticket: the caller compares them in constant time.
SELECT token_hash FROM tracking_tokens WHERE ticket_id = $1 ORDER BY id;
