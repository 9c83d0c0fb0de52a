-- The language model's handoff summaries, kept so the console shows a
-- summary again without calling the model on every page view. A summary
-- covers the conversation up to last_message_id; newer messages make it
-- stale (the console offers to update it).

-- +goose Up
CREATE TABLE conversation_summaries (
    conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    lang            text NOT NULL CHECK (lang IN ('it', 'en')),
    body            text NOT NULL,
    last_message_id bigint NOT NULL DEFAULT 0,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL
);

-- A summary repeats what the user wrote: when a conversation is
-- anonymised (retention, erasure) its summary goes too, whatever code
-- did the anonymising.
-- +goose StatementBegin
CREATE FUNCTION conversation_summaries_forget() RETURNS trigger AS $$
BEGIN
    IF NEW.kind = 'conversation' THEN
        DELETE FROM conversation_summaries WHERE conversation_id = NEW.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER conversation_summaries_forget AFTER INSERT ON anonymised
    FOR EACH ROW EXECUTE FUNCTION conversation_summaries_forget();

-- +goose Down
DROP TRIGGER conversation_summaries_forget ON anonymised;
DROP FUNCTION conversation_summaries_forget();
DROP TABLE conversation_summaries;
