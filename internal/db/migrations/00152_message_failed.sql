-- A reply the platform refused for good (SMTP 5xx, Telegram 403 "bot was
-- blocked", Slack channel_not_found …) is marked failed at once: it is not
-- retried, the console shows it as not delivered, and the replies after it
-- in the conversation do not wait behind it (failed_at IS NOT NULL is
-- neither sent nor pending).

-- +goose Up
ALTER TABLE messages ADD COLUMN failed_at timestamptz;

-- +goose Down
ALTER TABLE messages DROP COLUMN failed_at;
