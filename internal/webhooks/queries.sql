-- Queries of the outgoing webhooks, loaded by db.ScanQueries.

-- name: insert-subscription
INSERT INTO webhook_subscriptions (url, secret, kinds, created_at) VALUES ($1, $2, $3, $4)
RETURNING id, url, kinds, active, created_at;

-- name: subscriptions
SELECT id, url, kinds, active, created_at FROM webhook_subscriptions ORDER BY id;

-- name: active-subscriptions
SELECT id, url, kinds, active, created_at FROM webhook_subscriptions WHERE active ORDER BY id;

-- name: delete-subscription
DELETE FROM webhook_subscriptions WHERE id = $1;

-- name: subscription-exists
SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = $1);

-- name: init-cursor
-- The cursors start at the newest event: a new installation does not
-- replay its whole history.
INSERT INTO webhook_cursor (name, last_event_id)
VALUES ('ticket_events', (SELECT coalesce(max(id), 0) FROM ticket_events)),
       ('conversation_events', (SELECT coalesce(max(id), 0) FROM conversation_events))
ON CONFLICT (name) DO NOTHING;

-- name: lock-cursor
SELECT last_event_id FROM webhook_cursor WHERE name = $1 FOR UPDATE;

-- name: set-cursor
UPDATE webhook_cursor SET last_event_id = $2 WHERE name = $1;

-- name: events-after
SELECT e.id, e.at, e.actor, e.kind, e.field, e.old_value, e.new_value, e.comment_id,
       t.number, t.subject, t.state, t.priority, t.level, t.origin_channel, t.category, t.product
FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
WHERE e.id > $1
ORDER BY e.id
LIMIT $2;

-- name: conversation-events-after
SELECT e.id, e.at, e.actor, e.kind, e.old_value, e.new_value,
       c.id AS conversation_id, c.channel, c.state, c.level, c.ticket_id
FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id
WHERE e.id > $1
ORDER BY e.id
LIMIT $2;

-- name: insert-delivery
INSERT INTO webhook_deliveries (subscription_id, source, event_id, kind, payload, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (subscription_id, source, event_id) DO NOTHING
RETURNING id;

-- name: delivery
SELECT d.id, d.subscription_id, d.source, d.event_id, d.kind, d.payload, d.status, d.attempts, d.last_error,
       d.last_status, d.created_at, d.delivered_at, s.url, s.secret
FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
WHERE d.id = $1;

-- name: delivery-result
UPDATE webhook_deliveries
SET attempts = attempts + 1, status = $2, last_status = $3, last_error = $4,
    delivered_at = CASE WHEN $2 = 'delivered' THEN $5 ELSE delivered_at END
WHERE id = $1;

-- name: deliveries
SELECT id, subscription_id, source, event_id, kind, payload, status, attempts, last_error, last_status,
       created_at, delivered_at, '' AS url, '' AS secret
FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2;
