-- Named calendars (issue 23): the digest of each calendar's configuration
-- as the service last started with it. A different digest at start means
-- the hours changed: every open ticket whose clocks run on that calendar
-- gets a timeline event saying so (its due times, computed from the event
-- log, follow at once).

-- +goose Up
CREATE TABLE calendar_hashes (
    name       text PRIMARY KEY,
    hash       text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE calendar_hashes;
