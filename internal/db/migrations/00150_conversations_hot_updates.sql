-- Every message updates its conversation row (context, updated_at,
-- last_message_at). When none of the changed columns is in an index,
-- PostgreSQL updates the row in place ("HOT": no new entry in any of the
-- table's seven indexes), which is most of the cost of that update. Two
-- indexes named those timestamps; they are replaced by indexes on columns
-- that change only when the state does. Free room in each page (fillfactor)
-- lets the new row version stay on its page.
--
-- Readers of the old indexes: close-idle (state = 'bot' and
-- last_message_at) uses conversations_live; the console inbox sorts its
-- few hundred queued and held rows after conversations_inbox_state; the
-- retention scan bounds created_at. Backward compatible: the previous
-- release's queries still run, on these indexes.

-- +goose Up
ALTER TABLE conversations SET (fillfactor = 80);
CREATE INDEX conversations_live ON conversations (state) WHERE state <> 'closed';
CREATE INDEX conversations_inbox_state ON conversations (state, level) WHERE state IN ('queued', 'agent');
DROP INDEX conversations_state;
DROP INDEX conversations_inbox;
-- finish-turn asks whether a conversation has an unsent reply: without
-- this (small: only unsent rows) index the planner walks messages_unsent.
CREATE INDEX messages_unsent_conversation ON messages (conversation_id) WHERE direction = 'out' AND sent_at IS NULL;

-- +goose Down
DROP INDEX messages_unsent_conversation;
CREATE INDEX conversations_state ON conversations (state, updated_at);
CREATE INDEX conversations_inbox ON conversations (state, level, last_message_at) WHERE state IN ('queued', 'agent');
DROP INDEX conversations_live;
DROP INDEX conversations_inbox_state;
ALTER TABLE conversations RESET (fillfactor);
