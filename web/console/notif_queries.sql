-- Notifications of the console: SLA warnings and breaches, addressed to a
-- user (user_id) or to everyone of a role (role, user_id NULL).

-- name: notif-list
SELECT n.id, n.user_id IS NOT NULL AS personal, n.role, n.ticket_id, COALESCE(t.number, '') AS ticket_number,
       n.kind, n.body, n.created_at, n.read_at
FROM notifications n
LEFT JOIN tickets t ON t.id = n.ticket_id
WHERE (n.user_id = $1 OR (n.user_id IS NULL AND n.role = ANY($2::text[])))
  AND ($3::boolean OR n.read_at IS NULL)
ORDER BY n.created_at DESC, n.id DESC
LIMIT $4;

-- name: notif-unread
SELECT count(*)
FROM notifications n
WHERE (n.user_id = $1 OR (n.user_id IS NULL AND n.role = ANY($2::text[])))
  AND n.read_at IS NULL;
