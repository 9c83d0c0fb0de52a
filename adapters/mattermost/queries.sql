-- Queries of the Mattermost adapter (table from migration 00183).

-- name: load-cursors
-- The channels to read again after a restart, most recently active first
-- (as many as the adapter follows in memory).
SELECT channel_id, channel_type, last_post_at
FROM mattermost_cursors
WHERE server = $1
ORDER BY updated_at DESC
LIMIT $2;

-- name: save-cursor
-- A cursor only moves forward: two instances, or a catch-up racing the
-- socket, never move it back.
INSERT INTO mattermost_cursors (server, channel_id, channel_type, last_post_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (server, channel_id) DO UPDATE
SET last_post_at = GREATEST(mattermost_cursors.last_post_at, EXCLUDED.last_post_at),
    channel_type = EXCLUDED.channel_type,
    updated_at = now();
