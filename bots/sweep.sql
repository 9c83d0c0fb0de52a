-- name: unsent-replies
-- Replies recorded but never marked sent, oldest first: their instance
-- died between commit and send, or the send failed and its retry job was
-- lost. Only channels this instance can send on; capped attempts, so a
-- reply the platform refuses for good is not retried for ever.
-- Nothing is taken until PostgreSQL has been up as long as a reply must
-- wait ($6 seconds, the same as its age): a reply sent just before a
-- restart has its "sent" mark retried in the background by the instance
-- that sent it (markSent), and that mark must get the time to land before
-- any instance's sweep takes the reply for lost and sends it again. The
-- database's own clock measures it, whatever the desk's clock says.
--
-- "Unsent" is the absence of a row in message_deliveries, which no index
-- of messages can hold: the replies of the window not failed for good
-- are walked on messages_out_pending (created_at, INCLUDE id: index only)
-- and each is looked up in message_deliveries' primary key. The lookup is
-- a subquery with LIMIT so that it stays a probe per reply: as an anti
-- join the planner may hash the whole of message_deliveries, which grows
-- with every reply ever sent. So the cost is one probe per reply of the
-- window (about 0.3 s for 200,000 replies in a day, measured with EXPLAIN
-- ANALYZE on the dev cluster), not of the replies ever sent; the few left
-- are then read by id (ARRAY: the planner takes the primary key for them
-- instead of walking it in order for ORDER BY id).
SELECT m.id, m.channel FROM messages m
WHERE m.id = ANY (ARRAY(
        SELECT p.id FROM messages p
        WHERE p.direction = 'out' AND p.failed_at IS NULL AND p.created_at < $1 AND p.created_at > $2
          AND (SELECT 1 FROM message_deliveries d WHERE d.message_id = p.id LIMIT 1) IS NULL))
  AND m.channel = ANY($3) AND m.send_attempts < $4
  AND now() - pg_postmaster_start_time() >= make_interval(secs => $6)
ORDER BY m.id
LIMIT $5;

-- name: earlier-unsent-of-message
-- Replies of the same conversation, older than this one, still unsent: a
-- new reply must wait behind them (after a crash, or a failed send whose
-- retry job has not run yet), or the user reads them out of order. 1 or
-- 0: only the newest live reply before it is looked at (earlier-unsent
-- in queries.sql says why that is enough).
SELECT count(*) FROM messages m
CROSS JOIN LATERAL (
    SELECT o.id FROM messages o
    WHERE o.conversation_id = m.conversation_id AND o.id < m.id AND o.direction = 'out' AND o.failed_at IS NULL
    ORDER BY o.id DESC LIMIT 1) newest
WHERE m.id = $1
  AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = newest.id);
