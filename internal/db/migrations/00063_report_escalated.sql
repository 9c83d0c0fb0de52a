-- The escalation rate of a period counts escalated tickets by creation time.

-- +goose Up
CREATE INDEX ticket_sla_escalated ON ticket_sla (ticket_created_at) WHERE escalated;

-- +goose Down
DROP INDEX ticket_sla_escalated;
