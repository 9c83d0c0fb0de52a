-- Personal data: what was anonymised (kept apart so that no table the
-- application scans gains a column), the audit of exports and erasures,
-- and the record of who viewed which ticket in the console.

-- +goose Up
CREATE TABLE anonymised (
    kind text NOT NULL CHECK (kind IN ('ticket', 'conversation', 'requester')),
    id   bigint NOT NULL,
    at   timestamptz NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE privacy_actions (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL CHECK (action IN ('export', 'erase', 'retention')),
    requester_id bigint,
    detail       text NOT NULL DEFAULT ''
);

CREATE TABLE ticket_views (
    id        bigserial PRIMARY KEY,
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL
);
CREATE INDEX ticket_views_ticket ON ticket_views (ticket_id, at);

-- The event log stays append-only, except for the masking of personal
-- data, which a transaction allows itself with
-- SET LOCAL helpdesk.privacy_update = 'on'.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ticket_events_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('helpdesk.privacy_update', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ticket_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ticket_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ticket_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
DROP TABLE ticket_views;
DROP TABLE privacy_actions;
DROP TABLE anonymised;
