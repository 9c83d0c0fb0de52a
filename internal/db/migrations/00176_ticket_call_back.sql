-- Voicemail as a ticket (issue 23): a ticket opened from a PBX voicemail
-- is marked "call back": the console shows it, and its conversation goes
-- first in level 1's queue.

-- +goose Up
ALTER TABLE tickets ADD COLUMN call_back boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE tickets DROP COLUMN call_back;
