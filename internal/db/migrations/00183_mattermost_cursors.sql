-- Mattermost adapter state that must survive a restart: per channel the
-- bot listens in (its direct channels and those where it was written to),
-- the creation time of the newest post handled there. After a restart, or
-- a reconnection the server could not resume, the adapter reads through
-- REST the posts newer than that, so posts written while the service was
-- down are answered (once: the engine records each post by its id).
-- server is the Mattermost URL, so two desks sharing a database do not
-- mix their bots' channels.

-- +goose Up
CREATE TABLE mattermost_cursors (
    server       text   NOT NULL,
    channel_id   text   NOT NULL,
    channel_type text   NOT NULL,
    last_post_at bigint NOT NULL, -- the post's CreateAt, ms since the epoch
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (server, channel_id)
);

-- +goose Down
DROP TABLE mattermost_cursors;
