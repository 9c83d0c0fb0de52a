-- Queries of the checklists attached to tickets (checklist.go).

-- name: insert-checklist
INSERT INTO ticket_checklists (ticket_id, source, title, attached_by, attached_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (ticket_id, source) DO NOTHING
RETURNING id;

-- name: insert-step
INSERT INTO ticket_checklist_steps (checklist_id, position, text, required) VALUES ($1, $2, $3, $4);

-- name: checklists
SELECT id, ticket_id, source, title, attached_by, attached_at FROM ticket_checklists WHERE ticket_id = $1 ORDER BY id;

-- name: steps
SELECT s.checklist_id, s.position, s.text, s.required, s.done_at, s.done_by
FROM ticket_checklist_steps s JOIN ticket_checklists c ON c.id = s.checklist_id
WHERE c.ticket_id = $1
ORDER BY s.checklist_id, s.position;

-- name: lock-step
SELECT s.checklist_id, s.position, s.text, s.required, s.done_at, s.done_by
FROM ticket_checklist_steps s JOIN ticket_checklists c ON c.id = s.checklist_id
WHERE c.ticket_id = $1 AND s.checklist_id = $2 AND s.position = $3
FOR UPDATE OF s;

-- name: set-step
UPDATE ticket_checklist_steps SET done_at = $3, done_by = $4 WHERE checklist_id = $1 AND position = $2;

-- name: open-required
SELECT s.text
FROM ticket_checklist_steps s JOIN ticket_checklists c ON c.id = s.checklist_id
WHERE c.ticket_id = $1 AND s.required AND s.done_at IS NULL
ORDER BY s.checklist_id, s.position;
