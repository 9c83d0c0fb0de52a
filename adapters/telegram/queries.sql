-- Queries of the Telegram adapter (tables from migration 00030).

-- name: save-callback
INSERT INTO telegram_callbacks (key, action) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET used_at = now();

-- name: callback-action
SELECT action FROM telegram_callbacks WHERE key = $1;

-- name: parts-sent
SELECT parts_sent FROM telegram_reply_parts WHERE reply_id = $1;

-- name: set-parts-sent
INSERT INTO telegram_reply_parts (reply_id, parts_sent) VALUES ($1, $2)
ON CONFLICT (reply_id) DO UPDATE SET parts_sent = EXCLUDED.parts_sent, updated_at = now();

-- name: prune-callbacks
DELETE FROM telegram_callbacks WHERE used_at < $1;

-- name: prune-parts
DELETE FROM telegram_reply_parts WHERE updated_at < $1;
