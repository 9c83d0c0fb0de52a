-- Service levels: policies per priority (optionally per category or
-- product), the warnings and breaches recorded once per ticket and target,
-- a per-ticket summary of the clocks that reports aggregate, and console
-- notifications.

-- +goose Up
CREATE TABLE sla_policies (
    id                     bigserial PRIMARY KEY,
    priority               text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    category               text NOT NULL DEFAULT '',
    product                text NOT NULL DEFAULT '',
    take_charge_minutes    int NOT NULL DEFAULT 0 CHECK (take_charge_minutes >= 0),
    first_response_minutes int NOT NULL DEFAULT 0 CHECK (first_response_minutes >= 0),
    intervention_minutes   int NOT NULL DEFAULT 0 CHECK (intervention_minutes >= 0),
    resolve_minutes        int NOT NULL DEFAULT 0 CHECK (resolve_minutes >= 0),
    warn_share             real NOT NULL DEFAULT 0.75 CHECK (warn_share > 0 AND warn_share < 1),
    on_breach              text[] NOT NULL DEFAULT '{}',
    UNIQUE (priority, category, product)
);
INSERT INTO sla_policies (priority, take_charge_minutes, first_response_minutes, intervention_minutes, resolve_minutes, on_breach) VALUES
    ('P1', 30, 60, 960, 960, '{escalate,notify_supervisor}'),
    ('P2', 60, 240, 1440, 1920, '{escalate,notify_supervisor}'),
    ('P3', 240, 480, 0, 3600, '{raise_priority}'),
    ('P4', 480, 960, 0, 7200, '{raise_priority}');

-- One row per ticket, target and kind: the unique key is what makes a
-- breach act exactly once, however many instances scan.
CREATE TABLE sla_events (
    id              bigserial PRIMARY KEY,
    ticket_id       bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    target          text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('warning', 'breach')),
    at              timestamptz NOT NULL,
    elapsed_seconds bigint NOT NULL,
    UNIQUE (ticket_id, target, kind)
);
CREATE INDEX sla_events_at ON sla_events (at);

-- The clocks of each ticket as last computed from its events (working
-- seconds); reports aggregate these instead of replaying 10 million events.
CREATE TABLE ticket_sla (
    ticket_id            bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    take_charge_goal     bigint NOT NULL DEFAULT 0,
    take_charge_elapsed  bigint,
    take_charge_met      boolean NOT NULL DEFAULT false,
    first_response_goal    bigint NOT NULL DEFAULT 0,
    first_response_elapsed bigint,
    first_response_met     boolean NOT NULL DEFAULT false,
    intervention_goal    bigint NOT NULL DEFAULT 0,
    intervention_elapsed bigint,
    intervention_met     boolean NOT NULL DEFAULT false,
    resolve_goal         bigint NOT NULL DEFAULT 0,
    resolve_elapsed      bigint,
    resolve_met          boolean NOT NULL DEFAULT false,
    paused               bigint NOT NULL DEFAULT 0,
    escalated            boolean NOT NULL DEFAULT false,
    reopened             boolean NOT NULL DEFAULT false,
    computed_at          timestamptz NOT NULL
);

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL DEFAULT '',
    ticket_id  bigint REFERENCES tickets (id) ON DELETE CASCADE,
    kind       text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    read_at    timestamptz
);
CREATE INDEX notifications_unread ON notifications (user_id, created_at) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
DROP TABLE ticket_sla;
DROP TABLE sla_events;
DROP TABLE sla_policies;
