-- The period report reads ticket_sla alone, without joining tickets: the
-- summary carries the ticket's creation and resolution times. Open
-- tickets get an index of their own for the backlog.

-- +goose Up
ALTER TABLE ticket_sla ADD COLUMN ticket_created_at timestamptz;
ALTER TABLE ticket_sla ADD COLUMN ticket_resolved_at timestamptz;
UPDATE ticket_sla s SET ticket_created_at = t.created_at, ticket_resolved_at = t.resolved_at
FROM tickets t WHERE t.id = s.ticket_id;
CREATE INDEX ticket_sla_created ON ticket_sla (ticket_created_at);
CREATE INDEX ticket_sla_resolved ON ticket_sla (ticket_resolved_at) WHERE ticket_resolved_at IS NOT NULL;
CREATE INDEX tickets_backlog ON tickets (priority, created_at)
    WHERE state IN ('new', 'open', 'waiting_requester', 'waiting_third_party');

-- +goose Down
DROP INDEX tickets_backlog;
DROP INDEX ticket_sla_resolved;
DROP INDEX ticket_sla_created;
ALTER TABLE ticket_sla DROP COLUMN ticket_resolved_at;
ALTER TABLE ticket_sla DROP COLUMN ticket_created_at;
