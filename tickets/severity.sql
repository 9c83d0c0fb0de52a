-- Severity labels and model versions (severitylearn.go).

-- name: insert-severity-label
INSERT INTO severity_labels (at, ticket_id, text, lang, urgency, impact, type, who)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: severity-labels
-- The latest label per ticket up to a label id: an agent who corrects
-- twice meant the last.
SELECT DISTINCT ON (coalesce(ticket_id, -id)) text, lang, urgency, impact, type
FROM severity_labels WHERE id <= $1 ORDER BY coalesce(ticket_id, -id), id DESC;

-- name: insert-severity-model
INSERT INTO severity_models (created_at, created_by, labels, figures, through_label)
VALUES ($1, $2, $3, $4, $5) RETURNING version;

-- name: last-severity-label
SELECT coalesce(max(id), 0) FROM severity_labels;

-- name: new-severity-labels
-- Labels recorded after the latest version was trained.
SELECT count(*) FROM severity_labels
WHERE id > coalesce((SELECT through_label FROM severity_models ORDER BY version DESC LIMIT 1), 0);

-- name: lock-severity-retrain
-- One retrain at a time across instances (the CLI and the job).
SELECT pg_advisory_xact_lock(7270185);

-- name: severity-models
SELECT version, created_at, created_by, jsonb_array_length(labels) AS labels, figures, active
FROM severity_models ORDER BY version;

-- name: active-severity-model
SELECT version, labels FROM severity_models WHERE active;

-- name: deactivate-severity-models
UPDATE severity_models SET active = false WHERE active;

-- name: activate-severity-model
UPDATE severity_models SET active = true WHERE version = $1;
