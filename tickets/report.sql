-- Report queries of the tickets package: aggregates over tickets and the
-- stored clock summaries, never a replay of the event log.

-- name: volumes
-- One pass grouping by every dimension at once; the report adds the
-- counts up per dimension (a few hundred groups at most).
SELECT origin_channel AS channel, category, type, priority, level, count(*) AS count
FROM tickets
WHERE created_at >= $1 AND created_at < $2
GROUP BY origin_channel, category, type, priority, level;

-- name: sla
-- One target (chosen by $3) of the tickets opened in the period: a target
-- counts once it is met or already late; a clock still running inside its
-- goal is not judged yet. Read from the summaries alone; the report runs
-- the four targets at once.
SELECT $3::text AS target,
       count(*) FILTER (WHERE v.done OR v.elapsed > v.goal) AS measured,
       count(*) FILTER (WHERE v.done AND v.elapsed <= v.goal) AS met,
       coalesce(avg(v.elapsed) FILTER (WHERE v.done), 0)::float8 AS mean_seconds,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY v.elapsed) FILTER (WHERE v.done), 0)::float8 AS median_seconds
FROM ticket_sla s
CROSS JOIN LATERAL (SELECT
    CASE $3::text WHEN 'take_charge' THEN s.take_charge_goal WHEN 'first_response' THEN s.first_response_goal
                  WHEN 'intervention' THEN s.intervention_goal ELSE s.resolve_goal END AS goal,
    CASE $3::text WHEN 'take_charge' THEN s.take_charge_elapsed WHEN 'first_response' THEN s.first_response_elapsed
                  WHEN 'intervention' THEN s.intervention_elapsed ELSE s.resolve_elapsed END AS elapsed,
    CASE $3::text WHEN 'take_charge' THEN s.take_charge_met WHEN 'first_response' THEN s.first_response_met
                  WHEN 'intervention' THEN s.intervention_met ELSE s.resolve_met END AS done) AS v
WHERE s.ticket_created_at >= $1 AND s.ticket_created_at < $2 AND v.goal > 0 AND v.elapsed IS NOT NULL;

-- name: backlog
SELECT priority,
       count(*) FILTER (WHERE created_at > $1::timestamptz - interval '1 day') AS under_1d,
       count(*) FILTER (WHERE created_at <= $1::timestamptz - interval '1 day' AND created_at > $1::timestamptz - interval '3 days') AS d1_3,
       count(*) FILTER (WHERE created_at <= $1::timestamptz - interval '3 days' AND created_at > $1::timestamptz - interval '7 days') AS d3_7,
       count(*) FILTER (WHERE created_at <= $1::timestamptz - interval '7 days') AS over_7d,
       count(*) AS total
FROM tickets
WHERE state = ANY($2::text[]) AND created_at < $1::timestamptz -- $2: tickets.OpenStates (index tickets_backlog)
GROUP BY priority
ORDER BY priority;

-- Rates: six counts, each its own query so the report runs them at once.

-- name: rate-tickets
SELECT count(*) FROM tickets WHERE created_at >= $1 AND created_at < $2;

-- name: rate-escalated
SELECT count(*) FROM ticket_sla WHERE ticket_created_at >= $1 AND ticket_created_at < $2 AND escalated;

-- name: rate-resolved
SELECT count(*) FROM tickets WHERE resolved_at >= $1 AND resolved_at < $2;

-- name: rate-first-contact
SELECT count(*) FROM ticket_sla WHERE ticket_resolved_at >= $1 AND ticket_resolved_at < $2 AND NOT escalated AND NOT reopened;

-- name: rate-conversations
SELECT count(*) FROM conversations WHERE created_at >= $1 AND created_at < $2;

-- name: rate-solved-by-bot
SELECT count(*) FROM conversations c WHERE c.created_at >= $1 AND c.created_at < $2 AND c.ticket_id IS NULL
  AND EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id AND e.kind = 'solved_by_bot');

-- name: satisfaction
SELECT rating, count(*) AS count FROM satisfaction
WHERE created_at >= $1 AND created_at < $2
GROUP BY rating ORDER BY rating;
