-- Issue 21: a reply the platform accepted is marked by an INSERT into a
-- table of its own instead of an UPDATE of messages. sent_at is in the
-- predicate of two partial indexes of messages, so that update is never
-- HOT: it writes a new row version and an entry in every index of the
-- busiest table, and leaves a dead row behind, once per reply. A row
-- here is one small tuple and one index entry.
--
-- "Unsent" is now: direction 'out', failed_at NULL, and no row here. The
-- failure path (send_attempts, send_error, failed_at) stays an UPDATE of
-- messages: it is rare. send_attempts therefore counts failed tries only
-- (a delivery no longer adds one); its one reader, the sweep, caps on it
-- and never takes a delivered reply anyway.
--
-- The rolling-upgrade rule (docs/operations.md) keeps messages.sent_at
-- for one more release: the previous release reads it (its sweep and
-- Resend would send again a reply this release delivered) and writes it.
-- Until then two triggers keep the two in step, both ways, and this
-- release's mark pays the INSERT and the old UPDATE: 00193 drops the
-- partial indexes on sent_at so that the UPDATE can be HOT, but it is only
-- when the row's page has room (a quarter of the time in the pgbench run
-- of docs/operations.md). Measured there per reply: 900 WAL bytes and 9
-- records with the triggers, against 652 and 5 for the UPDATE alone
-- before 00192 and 248 and 4 for the INSERT alone. The gain comes with the
-- contract step, the next release's (docs/operations.md, "Delivery
-- marks"), which drops the triggers and the column.
--
-- The marks recorded so far are copied by 00193, outside this
-- transaction: here, after CREATE TRIGGER, every write to messages would
-- wait for the copy. From this migration's commit on, the triggers carry
-- every new mark, so the copy misses none.

-- +goose Up
CREATE TABLE message_deliveries (
    message_id bigint PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    sent_at    timestamptz NOT NULL
);

-- This release's marks, seen by the previous release (until the
-- contract step). One UPDATE per INSERT statement, however many rows.
-- +goose StatementBegin
CREATE FUNCTION message_deliveries_to_sent_at() RETURNS trigger AS $$
BEGIN
    UPDATE messages m SET sent_at = n.sent_at FROM new_deliveries n
    WHERE m.id = n.message_id AND m.sent_at IS NULL;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER message_deliveries_sent_at AFTER INSERT ON message_deliveries
    REFERENCING NEW TABLE AS new_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION message_deliveries_to_sent_at();

-- The previous release's marks (UPDATE … SET sent_at), seen by this
-- one; not when the update is the trigger above's own (depth > 0).
-- +goose StatementBegin
CREATE FUNCTION messages_sent_at_to_deliveries() RETURNS trigger AS $$
BEGIN
    INSERT INTO message_deliveries (message_id, sent_at) VALUES (NEW.id, NEW.sent_at)
    ON CONFLICT (message_id) DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER messages_sent_at_deliveries AFTER UPDATE OF sent_at ON messages
    FOR EACH ROW WHEN (OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL AND pg_trigger_depth() = 0)
    EXECUTE FUNCTION messages_sent_at_to_deliveries();

-- +goose Down
DROP TRIGGER messages_sent_at_deliveries ON messages;
DROP FUNCTION messages_sent_at_to_deliveries();
DROP TRIGGER message_deliveries_sent_at ON message_deliveries;
DROP FUNCTION message_deliveries_to_sent_at();
-- The triggers kept sent_at in step; a mark they missed (none should) is
-- not lost.
UPDATE messages m SET sent_at = d.sent_at FROM message_deliveries d
WHERE d.message_id = m.id AND m.sent_at IS NULL;
DROP TABLE message_deliveries;
