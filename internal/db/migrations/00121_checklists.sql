-- +goose Up
-- A procedure's checklist attached to a ticket: a copy of the steps as
-- they were when attached, so a later edit of the KB entry does not change
-- what the agent ticked.
CREATE TABLE ticket_checklists (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    source      text NOT NULL,
    title       text NOT NULL,
    attached_by text NOT NULL,
    attached_at timestamptz NOT NULL,
    UNIQUE (ticket_id, source)
);

CREATE TABLE ticket_checklist_steps (
    checklist_id bigint NOT NULL REFERENCES ticket_checklists (id) ON DELETE CASCADE,
    position     int NOT NULL,
    text         text NOT NULL,
    required     boolean NOT NULL,
    done_at      timestamptz,
    done_by      text NOT NULL DEFAULT '',
    PRIMARY KEY (checklist_id, position)
);

-- +goose Down
DROP TABLE ticket_checklist_steps;
DROP TABLE ticket_checklists;
