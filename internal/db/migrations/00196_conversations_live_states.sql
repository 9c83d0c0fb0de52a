-- +goose NO TRANSACTION
-- conversations_live indexed the open conversations by the predicate
-- state <> 'closed', the very predicate of conversations_open_key
-- (channel, conversation_key). Whenever the statistics said few
-- conversations were open — taken at night, or on a database with only
-- closed history — the generic plan of the prepared open-turns found a
-- message's conversation by reading all of conversations_live and
-- filtering on channel and key: both looked like one row to the planner,
-- and the smaller index won. By day that is every open conversation for
-- every message (2,001 rows read for one in TestOpenTurnsProbesTheOpenKey;
-- 3–5 ms a group statement in `helpdesk bench` with a desk's history).
--
-- The same index under a predicate that state <> 'closed' does not imply
-- (the open states by name) can no longer stand in for the key: the
-- lookups by channel and key have conversations_open_key only. Its
-- readers name a state (close-idle: state = 'bot'), which implies the new
-- predicate. A state added to conversations_state_check must be added
-- here too.
--
-- CONCURRENTLY, without a transaction, so no write to conversations waits
-- for the build; IF [NOT] EXISTS lets a migrate run again after a build
-- that failed half way (drop an invalid index by hand).

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_live_states ON conversations (state)
    WHERE state IN ('bot', 'queued', 'agent', 'resolved');
DROP INDEX CONCURRENTLY IF EXISTS conversations_live;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_live ON conversations (state) WHERE state <> 'closed';
DROP INDEX CONCURRENTLY IF EXISTS conversations_live_states;
