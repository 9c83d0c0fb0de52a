-- One triage card per handoff, not per conversation: a conversation
-- escalated to level 2 or queued again after a handback gets a fresh card
-- the agents of that moment see. handoff is the number of times the
-- conversation has entered the queue or been escalated.

-- +goose Up
ALTER TABLE triage_cards ADD COLUMN handoff int NOT NULL DEFAULT 1;
ALTER TABLE triage_cards DROP CONSTRAINT triage_cards_platform_channel_id_conversation_id_key;
ALTER TABLE triage_cards ADD CONSTRAINT triage_cards_handoff_key UNIQUE (platform, channel_id, conversation_id, handoff);

-- +goose Down
ALTER TABLE triage_cards DROP CONSTRAINT triage_cards_handoff_key;
DELETE FROM triage_cards t USING triage_cards newer
WHERE newer.platform = t.platform AND newer.channel_id = t.channel_id
  AND newer.conversation_id = t.conversation_id AND newer.handoff > t.handoff;
ALTER TABLE triage_cards ADD CONSTRAINT triage_cards_platform_channel_id_conversation_id_key UNIQUE (platform, channel_id, conversation_id);
ALTER TABLE triage_cards DROP COLUMN handoff;
