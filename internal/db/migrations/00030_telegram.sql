-- Telegram adapter state that must survive a restart and be shared by
-- several instances behind a webhook.
--
-- telegram_callbacks: a button's callback_data may hold at most 64 bytes;
-- a longer engine action is sent as a short key (a hash of the action)
-- and read back here when the button is pressed.
--
-- telegram_reply_parts: a reply over 4096 characters goes out as several
-- messages; the number already sent is kept so a retried reply resumes
-- where it stopped instead of sending the first parts twice.

-- +goose Up
CREATE TABLE telegram_callbacks (
    key     text PRIMARY KEY,
    action  text NOT NULL,
    used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX telegram_callbacks_used ON telegram_callbacks (used_at);

CREATE TABLE telegram_reply_parts (
    reply_id   text PRIMARY KEY,
    parts_sent int NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE telegram_reply_parts;
DROP TABLE telegram_callbacks;
