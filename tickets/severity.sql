-- Severity labels and model versions (severitylearn.go).

-- name: insert-severity-label
INSERT INTO severity_labels (at, ticket_id, text, lang, urgency, impact, type, who)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: severity-labels
-- The latest label per ticket: an agent who corrects twice meant the last.
SELECT DISTINCT ON (coalesce(ticket_id, -id)) text, lang, urgency, impact, type
FROM severity_labels ORDER BY coalesce(ticket_id, -id), id DESC;

-- name: insert-severity-model
INSERT INTO severity_models (created_at, created_by, labels, figures)
VALUES ($1, $2, $3, $4) RETURNING version;

-- name: severity-models
SELECT version, created_at, created_by, jsonb_array_length(labels) AS labels, figures, active
FROM severity_models ORDER BY version;

-- name: active-severity-model
SELECT version, labels FROM severity_models WHERE active;

-- name: deactivate-severity-models
UPDATE severity_models SET active = false WHERE active;

-- name: activate-severity-model
UPDATE severity_models SET active = true WHERE version = $1;
