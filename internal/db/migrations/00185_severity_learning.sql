-- Severity learns too (issue 17): an agent's change of a ticket's urgency
-- or impact is a label (with the text the model saw), and models retrained
-- from the shipped data plus these labels are kept as versions: the
-- labels each was trained on (the model is retrained from them, in about
-- 50 ms, deterministically), its figures on the held-out cases, and
-- which one is in use.

-- +goose Up
CREATE TABLE severity_labels (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    ticket_id bigint REFERENCES tickets (id) ON DELETE SET NULL,
    text      text NOT NULL,
    lang      text NOT NULL,
    urgency   text NOT NULL,
    impact    text NOT NULL,
    type      text NOT NULL,
    who       text NOT NULL
);

CREATE TABLE severity_models (
    version    serial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL,
    labels     jsonb NOT NULL,   -- the extra training cases, as nlp.SeverityExample lines
    figures    jsonb NOT NULL,   -- macro-F1 and accuracy on the held-out cases
    active     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX severity_models_one_active ON severity_models (active) WHERE active;

-- +goose Down
DROP TABLE severity_models;
DROP TABLE severity_labels;
