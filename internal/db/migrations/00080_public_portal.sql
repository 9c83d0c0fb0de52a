-- The requesters' side of the web: tracking tokens (each ticket's
-- unguessable link) and the counters behind the public forms' rate limits.

-- +goose Up
-- Only the SHA-256 of a token is kept: a leaked database does not leak the
-- links. A ticket may have several tokens (one per link mailed).
CREATE TABLE tracking_tokens (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL
);
CREATE INDEX tracking_tokens_ticket ON tracking_tokens (ticket_id);

-- One row per accepted public request (web form, "find my ticket", chat
-- message, tracking reply) and key (client address, e-mail): counted in a
-- sliding window, so the limit holds across instances.
CREATE TABLE public_rate_events (
    bucket text NOT NULL,
    key    text NOT NULL,
    at     timestamptz NOT NULL
);
CREATE INDEX public_rate_events_key ON public_rate_events (bucket, key, at);

-- +goose Down
DROP TABLE public_rate_events;
DROP TABLE tracking_tokens;
