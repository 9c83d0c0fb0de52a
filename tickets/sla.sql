-- Service-level queries of the tickets package, loaded by db.ScanQueries.

-- name: policies
SELECT id, priority, category, product, take_charge_minutes, first_response_minutes,
       intervention_minutes, resolve_minutes, warn_share, on_breach
FROM sla_policies ORDER BY priority, category, product;

-- name: to-scan
-- Tickets whose clocks may have moved: every one still open, and any whose
-- summary is missing or older than its last change.
SELECT t.id FROM tickets t LEFT JOIN ticket_sla s ON s.ticket_id = t.id
WHERE t.state = ANY($2::text[]) -- tickets.OpenStates
   OR s.ticket_id IS NULL OR s.computed_at < t.updated_at
ORDER BY t.id
LIMIT $1;

-- name: upsert-ticket-sla
INSERT INTO ticket_sla (ticket_id, take_charge_goal, take_charge_elapsed, take_charge_met,
    first_response_goal, first_response_elapsed, first_response_met, intervention_goal, intervention_elapsed,
    intervention_met, resolve_goal, resolve_elapsed, resolve_met, paused, escalated, reopened, computed_at,
    ticket_created_at, ticket_resolved_at)
VALUES (:ticket_id, :take_charge_goal, :take_charge_elapsed, :take_charge_met,
    :first_response_goal, :first_response_elapsed, :first_response_met, :intervention_goal, :intervention_elapsed,
    :intervention_met, :resolve_goal, :resolve_elapsed, :resolve_met, :paused, :escalated, :reopened, :computed_at,
    :ticket_created_at, :ticket_resolved_at)
ON CONFLICT (ticket_id) DO UPDATE SET
    take_charge_goal = EXCLUDED.take_charge_goal, take_charge_elapsed = EXCLUDED.take_charge_elapsed,
    take_charge_met = EXCLUDED.take_charge_met, first_response_goal = EXCLUDED.first_response_goal,
    first_response_elapsed = EXCLUDED.first_response_elapsed, first_response_met = EXCLUDED.first_response_met,
    intervention_goal = EXCLUDED.intervention_goal, intervention_elapsed = EXCLUDED.intervention_elapsed,
    intervention_met = EXCLUDED.intervention_met, resolve_goal = EXCLUDED.resolve_goal,
    resolve_elapsed = EXCLUDED.resolve_elapsed, resolve_met = EXCLUDED.resolve_met, paused = EXCLUDED.paused,
    escalated = EXCLUDED.escalated, reopened = EXCLUDED.reopened, computed_at = EXCLUDED.computed_at,
    ticket_created_at = EXCLUDED.ticket_created_at, ticket_resolved_at = EXCLUDED.ticket_resolved_at;

-- name: insert-sla-event
-- Nothing is inserted when this ticket's target already had this kind of
-- event: the caller then knows another scan acted already.
INSERT INTO sla_events (ticket_id, target, kind, at, elapsed_seconds) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (ticket_id, target, kind) DO NOTHING;

-- name: insert-notification
INSERT INTO notifications (user_id, role, ticket_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: sla-events
SELECT ticket_id, target, kind, at, elapsed_seconds FROM sla_events WHERE ticket_id = $1 ORDER BY id;

-- name: ensure-policy
INSERT INTO sla_policies (priority) VALUES ($1) ON CONFLICT (priority, category, product) DO NOTHING;

-- name: lock-calendar-hashes
-- One instance at a time compares and records the calendars' digests.
LOCK TABLE calendar_hashes IN EXCLUSIVE MODE;

-- name: calendar-hashes
SELECT name, hash FROM calendar_hashes;

-- name: upsert-calendar-hash
INSERT INTO calendar_hashes (name, hash, changed_at) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET hash = EXCLUDED.hash, changed_at = EXCLUDED.changed_at;

-- name: open-tickets
SELECT id FROM tickets WHERE state = ANY($1::text[]) ORDER BY id; -- $1: tickets.OpenStates

-- The console marks notifications read: one ($4), or all of a user's,
-- addressed to them ($1) or to one of their roles ($2).

-- name: notif-mark-read
UPDATE notifications n SET read_at = $3
WHERE (n.user_id = $1 OR (n.user_id IS NULL AND n.role = ANY($2::text[])))
  AND n.id = $4 AND n.read_at IS NULL;

-- name: notif-mark-all
UPDATE notifications n SET read_at = $3
WHERE (n.user_id = $1 OR (n.user_id IS NULL AND n.role = ANY($2::text[])))
  AND n.read_at IS NULL;
