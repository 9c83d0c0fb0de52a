-- +goose Up
-- The console's requester lookup (agents recording a telephone call)
-- searches names and e-mail addresses by any part: trigram indexes keep
-- it fast on a large register.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX requesters_name_trgm ON requesters USING gin (lower(name) gin_trgm_ops);
CREATE INDEX requesters_email_trgm ON requesters USING gin (lower(email) gin_trgm_ops);

-- +goose Down
DROP INDEX requesters_email_trgm;
DROP INDEX requesters_name_trgm;
