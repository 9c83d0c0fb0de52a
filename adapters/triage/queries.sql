-- Queries of the triage relay, loaded by db.ScanQueries.

-- name: conversation
SELECT * FROM conversations WHERE id = $1;

-- name: card-of-conversation
-- The conversation's latest card: the one of its current handoff.
SELECT * FROM triage_cards WHERE platform = $1 AND channel_id = $2 AND conversation_id = $3
ORDER BY handoff DESC LIMIT 1;

-- name: handoffs
-- A number that grows with each handoff: entries into the queue, and
-- escalations (a queued conversation escalated stays queued, at level 2).
-- An escalation of a held conversation counts twice: only growth matters.
SELECT greatest(count(*), 1) FROM conversation_events
WHERE conversation_id = $1 AND (kind = 'state' AND new_value = 'queued' OR kind = 'escalated');

-- name: card-of-thread
SELECT * FROM triage_cards WHERE platform = $1 AND channel_id = $2 AND thread_id = $3;

-- name: claim-card
-- The unique key lets one instance win; the thread starts after the
-- messages the card summarises.
INSERT INTO triage_cards (conversation_id, platform, channel_id, claimed_at, handoff, relayed_message_id)
VALUES ($3, $1, $2, $4, $5, (SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = $3))
ON CONFLICT (platform, channel_id, conversation_id, handoff) DO NOTHING
RETURNING id;

-- name: reclaim-card
-- A claim whose card was never posted (the claimant died) is taken over.
UPDATE triage_cards SET claimed_at = $4,
    relayed_message_id = (SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = $3)
WHERE platform = $1 AND channel_id = $2 AND conversation_id = $3 AND handoff = $6
  AND thread_id IS NULL AND claimed_at < $5
RETURNING id;

-- name: drop-claim
DELETE FROM triage_cards WHERE id = $1 AND thread_id IS NULL;

-- name: card-posted
UPDATE triage_cards SET thread_id = $2, posted_at = $3 WHERE id = $1;

-- name: lock-card
SELECT * FROM triage_cards WHERE id = $1 AND thread_id IS NOT NULL FOR UPDATE;

-- name: messages-after
SELECT * FROM messages WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT 200;

-- name: set-relayed
UPDATE triage_cards SET relayed_message_id = $2 WHERE id = $1;

-- name: pending
-- Conversations with something to do: queued without a card for the
-- current handoff (or with a stale claim), or followed by people with
-- messages not yet in the latest card's thread.
SELECT c.id FROM conversations c
LEFT JOIN LATERAL (
    SELECT * FROM triage_cards t
    WHERE t.conversation_id = c.id AND t.platform = $1 AND t.channel_id = $2
    ORDER BY t.handoff DESC LIMIT 1
) t ON true
WHERE (c.state = 'queued' AND (t.id IS NULL
        OR (t.thread_id IS NULL AND t.claimed_at < $3)
        OR t.handoff < (SELECT count(*) FROM conversation_events e
                        WHERE e.conversation_id = c.id
                          AND (e.kind = 'state' AND e.new_value = 'queued' OR e.kind = 'escalated'))))
   OR (t.thread_id IS NOT NULL AND c.state <> 'bot' AND c.updated_at > $4
       AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.id > t.relayed_message_id))
ORDER BY c.id
LIMIT 500;

-- name: seen-event
-- Empty result: the event was already acted on.
INSERT INTO triage_events (platform, event_id, at) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING
RETURNING event_id;

-- name: forget-events
DELETE FROM triage_events WHERE at < $1;

-- name: card-facts
SELECT coalesce(r.name, '') AS requester, coalesce(t.number, '') AS ticket_number,
       coalesce(t.priority, '') AS priority, coalesce(t.subject, '') AS subject
FROM conversations c
LEFT JOIN requesters r ON r.id = c.requester_id
LEFT JOIN tickets t ON t.id = c.ticket_id
WHERE c.id = $1;

-- name: user-name
SELECT display_name FROM users WHERE id = $1;

-- name: agent-by-slack
SELECT id, display_name, role, lang, active FROM users WHERE slack_user_id = $1;

-- name: agent-by-mattermost
SELECT id, display_name, role, lang, active FROM users WHERE mattermost_user_id = $1;

-- name: agent-by-email
-- The fallback when no chat id is linked: the chat profile's e-mail, if
-- exactly one console user has it.
SELECT id, display_name, role, lang, active FROM users
WHERE email <> '' AND lower(email) = lower($1)
  AND (SELECT count(*) FROM users u2 WHERE lower(u2.email) = lower($1)) = 1;

-- name: unsee-event
DELETE FROM triage_events WHERE platform = $1 AND event_id = $2;

-- name: last-message
SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = $1;

-- name: unposted-claims
-- A card being posted: claimed, not recorded, and not given up for dead.
SELECT EXISTS (SELECT 1 FROM triage_cards WHERE platform = $1 AND channel_id = $2 AND thread_id IS NULL
               AND claimed_at >= $3);
