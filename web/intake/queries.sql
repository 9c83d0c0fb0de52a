-- The intake's queries (intake.go), loaded by db.ScanQueries.

-- name: requester-email
SELECT email FROM requesters WHERE id = $1;

-- name: notify-conversation
SELECT pg_notify('helpdesk_conversations', $1::text);
