-- +goose Up
-- Telephone identities (channel 'phone', kept as digits with an optional
-- leading +) are looked up by the digits a number ends with while an
-- agent types it: a trigram index serves LIKE '%…' on them.
CREATE INDEX requester_identities_phone_trgm ON requester_identities
    USING gin (external_id gin_trgm_ops) WHERE channel = 'phone';

-- +goose Down
DROP INDEX requester_identities_phone_trgm;
