-- Scheduled retraining of the severity model (issue 17): each version
-- remembers the last label it had seen, so the periodic job can count the
-- labels that came after the latest version and retrain only when enough
-- have.

-- +goose Up
ALTER TABLE severity_models ADD COLUMN through_label bigint NOT NULL DEFAULT 0;
-- Versions made before this column saw every label there was then.
UPDATE severity_models SET through_label = coalesce((SELECT max(id) FROM severity_labels WHERE at <= created_at), 0);

-- +goose Down
ALTER TABLE severity_models DROP COLUMN through_label;
