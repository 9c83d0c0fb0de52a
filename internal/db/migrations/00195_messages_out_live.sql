-- +goose NO TRANSACTION
-- The ordering checks (finish-turns' behind, earlier-unsent,
-- earlier-unsent-of-message in bots) ask for the newest live reply of a
-- conversation: ORDER BY id DESC LIMIT 1 among its replies not failed for
-- good. Along messages_conversation (conversation_id, id) that walk
-- passes the conversation's inbound messages; worse, once the statistics
-- say conversations are long, the generic plan of the prepared
-- finish-turns walked the primary key back from the newest message of
-- all, filtering on the conversation — 1–5 ms per conversation, 16–21 ms
-- per group statement instead of 3, in `helpdesk bench` after its SQL
-- floors (auto_explain). This index holds exactly those replies, in that
-- order: the answer is its first entry. One entry per reply recorded, as
-- messages_unsent_conversation had before 00193.
--
-- CONCURRENTLY, without a transaction, so no write to messages waits for
-- the build (docs/operations.md); IF NOT EXISTS lets a migrate run again
-- after a build that failed half way (drop an invalid index by hand).

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_out_live ON messages (conversation_id, id)
    WHERE direction = 'out' AND failed_at IS NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS messages_out_live;
