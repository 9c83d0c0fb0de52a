-- The contract step of 00192 (issue 21, docs/operations.md "Contract
-- steps owed to the next release"): the release that brought 00192–00193
-- neither reads nor writes messages.sent_at (TestContractStepOfDeliveryMarks
-- ran this step under it), so the triggers that kept sent_at in step for
-- the release before it, and the column, go. A delivery mark is then one
-- INSERT into message_deliveries and nothing else: measured with pgbench
-- (docs/operations.md) 248 WAL bytes and 4 records per reply, against 652
-- and 5 for the UPDATE of messages before 00192 and 900 and 9 with the
-- triggers.
--
-- Only after every instance runs the release of 00193: an instance of
-- an older one still reads sent_at.

-- +goose Up
DROP TRIGGER messages_sent_at_deliveries ON messages;
DROP FUNCTION messages_sent_at_to_deliveries();
DROP TRIGGER message_deliveries_sent_at ON message_deliveries;
DROP FUNCTION message_deliveries_to_sent_at();
ALTER TABLE messages DROP COLUMN sent_at;

-- +goose Down
ALTER TABLE messages ADD COLUMN sent_at timestamptz;
UPDATE messages m SET sent_at = d.sent_at FROM message_deliveries d WHERE d.message_id = m.id;
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
