-- Queries of the conversation log, loaded by db.ScanQueries.

-- name: insert-conversation
-- At most one open conversation per (channel, key): a concurrent first
-- message finds the other's row instead of making a second one.
INSERT INTO conversations (channel, conversation_key, requester_id, lang, created_at, updated_at, last_message_at)
VALUES ($1, $2, $3, $4, $5, $5, $5)
ON CONFLICT (channel, conversation_key) WHERE state <> 'closed' DO NOTHING;

-- name: lock-open-conversation
SELECT * FROM conversations
WHERE channel = $1 AND conversation_key = $2 AND state <> 'closed'
FOR UPDATE;

-- name: get-conversation
SELECT * FROM conversations WHERE id = $1;

-- name: lock-conversation
SELECT * FROM conversations WHERE id = $1 FOR UPDATE;

-- name: update-conversation
UPDATE conversations SET
    requester_id = :requester_id, lang = :lang, state = :state, level = :level, agent_id = :agent_id,
    ticket_id = :ticket_id, context = :context, updated_at = :updated_at, last_message_at = :last_message_at
WHERE id = :id;

-- name: new-messages
-- The one INSERT of messages: every statement that records messages
-- (insert-messages, open-turns, finish-turns) names its
-- rows new_messages, with the columns below and n (their order), and
-- includes this part with {{new-messages}} (db.ScanQueries puts it in);
-- internal/layout's TestOneMessageInsert holds that no other SQL of the
-- module inserts messages. A message whose (channel, external_id) is
-- stored already (a platform delivered the same event twice) is skipped
-- and no row comes back for it: that tells the caller it is not new.
INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, payload, created_at)
SELECT conversation_id, channel, external_id, direction, author, body, payload, created_at
FROM new_messages
ORDER BY n
ON CONFLICT (channel, external_id) DO NOTHING
RETURNING id, channel, external_id

-- name: insert-messages
-- Messages outside a turn's own statements (RecordMessage, RecordReplies):
-- any number in one statement, $1 a JSON array of messageRow (store.go),
-- inserted in its order.
WITH new_messages AS (
    SELECT * FROM ROWS FROM (jsonb_to_recordset($1) AS (
            conversation_id bigint, channel text, external_id text, direction text, author text,
            body text, payload jsonb, created_at timestamptz))
        WITH ORDINALITY AS x(conversation_id, channel, external_id, direction, author, body, payload, created_at, n)
)
{{new-messages}};

-- name: messages
-- Message.SentAt comes from message_deliveries (mark-sent). The columns
-- are named, not m.*: a database rolled back below 00194 has a
-- messages.sent_at of its own again.
SELECT m.id, m.conversation_id, m.channel, m.external_id, m.direction, m.author, m.body, m.payload, m.created_at,
       m.send_attempts, m.send_error, m.failed_at, d.sent_at
FROM messages m LEFT JOIN message_deliveries d ON d.message_id = m.id
WHERE m.conversation_id = $1 ORDER BY m.id;

-- name: insert-conversation-event
INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: conversation-events
SELECT * FROM conversation_events WHERE conversation_id = $1 ORDER BY id;

-- name: get-message
-- As messages.
SELECT m.id, m.conversation_id, m.channel, m.external_id, m.direction, m.author, m.body, m.payload, m.created_at,
       m.send_attempts, m.send_error, m.failed_at, d.sent_at
FROM messages m LEFT JOIN message_deliveries d ON d.message_id = m.id
WHERE m.id = $1;

-- name: mark-sent
-- The platform accepted these replies ($1, of one or several messages:
-- send.go's markBatcher): one INSERT, one commit, prepared once per
-- connection of the bookkeeping pool (lazyStmt). A row of its own rather
-- than an UPDATE of messages, which rewrote the row in every index
-- (migrations 00192–00194). A mark written twice (retried after an answer
-- lost on the way back) keeps the first time and is no error. Only ids of
-- stored messages are taken: an unknown one is skipped rather than
-- failing the foreign key, and with it the marks of the other messages
-- batched in the same statement. send_attempts and send_error are left
-- as they are: they describe the failed tries.
INSERT INTO message_deliveries (message_id, sent_at)
SELECT m.id, $2::timestamptz FROM messages m WHERE m.id = ANY($1::bigint[])
ON CONFLICT (message_id) DO NOTHING;

-- name: mark-failed
UPDATE messages SET send_attempts = send_attempts + 1, send_error = $2 WHERE id = $1;

-- name: mark-undeliverable
-- The platform refused the reply for good: never retried, never waited for.
-- A reply already delivered stays so.
UPDATE messages SET send_attempts = send_attempts + 1, send_error = $2, failed_at = $3
WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = $1);

-- name: earlier-unsent
-- Replies of one conversation go out in order: a reply waits while an
-- earlier one is still unsent (not delivered, not failed for good); 1
-- when one is, else 0. Every way a reply is sent (Handle through
-- finish-turns' behind, Resend, the retry jobs and the sweep through
-- earlier-unsent-of-message) asks this first, so a reply is delivered
-- only after every earlier live one: when the newest live reply before
-- $2 is delivered, so are all before it. Only that one is looked at, a
-- walk back along messages_conversation that stops at the first live
-- reply, not every reply the conversation ever had (a delivery is a row
-- of message_deliveries, which no index of messages can tell apart).
SELECT count(*) FROM (
    SELECT m.id FROM messages m
    WHERE m.conversation_id = $1 AND m.id < $2 AND m.direction = 'out' AND m.failed_at IS NULL
    ORDER BY m.id DESC LIMIT 1) newest
WHERE NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = newest.id);

-- name: conversation-key
SELECT conversation_key FROM conversations WHERE id = $1;

-- name: close-idle
-- Conversations the bot holds and nobody wrote to since $1 are closed; a
-- ticket they opened stays as it is.
WITH idle AS (
    UPDATE conversations SET state = 'closed', updated_at = $2, context = '{}'
    WHERE state = 'bot' AND last_message_at < $1
    RETURNING id
)
INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
SELECT id, $2, 'system', 'state', 'bot', 'closed' FROM idle;

-- name: queue
-- Conversations waiting for an agent of a level: voicemails to call back
-- first (they waited while the desk was closed), then by priority, oldest
-- first.
SELECT c.*, coalesce(t.number, '') AS ticket_number, coalesce(t.priority, '') AS priority,
       coalesce(t.subject, '') AS subject
FROM conversations c LEFT JOIN tickets t ON t.id = c.ticket_id
WHERE c.state = 'queued' AND c.level = $1
ORDER BY coalesce(t.call_back, false) DESC, t.priority NULLS LAST, c.created_at
LIMIT $2;

-- name: held-by
SELECT c.*, coalesce(t.number, '') AS ticket_number, coalesce(t.priority, '') AS priority,
       coalesce(t.subject, '') AS subject
FROM conversations c LEFT JOIN tickets t ON t.id = c.ticket_id
WHERE c.state = 'agent' AND c.agent_id = $1
ORDER BY c.last_message_at DESC;

-- name: pick-agent
-- Round robin among online agents of the level with room left: the one
-- assigned least recently goes first; SKIP LOCKED lets two assignments run
-- at once without waiting for each other.
SELECT u.id, u.display_name FROM users u
WHERE u.active AND u.presence = 'online' AND u.role = $1
  AND (SELECT count(*) FROM conversations c WHERE c.agent_id = u.id AND c.state = 'agent') < u.capacity
ORDER BY u.last_assigned_at NULLS FIRST, u.id
LIMIT 1
FOR UPDATE SKIP LOCKED;

-- name: insert-satisfaction
INSERT INTO satisfaction (conversation_id, ticket_id, rating, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (conversation_id, ticket_id) DO UPDATE SET rating = EXCLUDED.rating, created_at = EXCLUDED.created_at;

-- name: notify
SELECT pg_notify('helpdesk_conversations', $1::text);

-- name: has-open
SELECT EXISTS (SELECT 1 FROM conversations WHERE channel = $1 AND conversation_key = $2 AND state <> 'closed');

-- name: open-turns
-- The hot path's first statement, for every message of a group at once
-- (group commit, group.go): for each, the requester behind the identity,
-- its open conversation locked until the transaction ends — opened here,
-- with its "opened" event, when the requester is known and has none —
-- and the message recorded (no id back: a redelivery). When the
-- requester is not known yet, or another transaction opened the same
-- conversation first, nothing is written for that message: the engine
-- makes the requester, or waits for the other transaction, and runs this
-- statement again for that message alone (openAlone). $1 is a JSON array of openTurnRow
-- (turnstore.go); rows come back in its order.
-- Each lookup is a LATERAL subquery with LIMIT (both keys are unique), so
-- it stays one index probe per message whatever the planner guesses of
-- the array's length; conversations are locked, and opened, in key order,
-- so two groups never wait for each other in a circle. A conversation
-- opened here stays invisible, and so unlockable, to others until commit;
-- one opened by another transaction that has not committed makes this
-- insert wait for it, then skip.
WITH x AS (
    SELECT * FROM ROWS FROM (jsonb_to_recordset($1) AS (
            channel text, conversation_key text, author text, external_id text, body text, payload jsonb,
            created_at timestamptz, lang text, opened_at timestamptz))
        WITH ORDINALITY AS x(channel, conversation_key, author, external_id, body, payload, created_at, lang, opened_at, ord)
), found AS (
    SELECT x.ord, c.* FROM (SELECT * FROM x ORDER BY channel, conversation_key) x
    CROSS JOIN LATERAL (
        SELECT * FROM conversations c
        WHERE c.channel = x.channel AND c.conversation_key = x.conversation_key AND c.state <> 'closed'
        LIMIT 1 FOR UPDATE
    ) c
), r AS (
    SELECT x.ord, r.requester FROM x
    CROSS JOIN LATERAL (
        SELECT to_jsonb(r) AS requester FROM requester_identities i JOIN requesters r ON r.id = i.requester_id
        WHERE i.channel = x.channel AND i.external_id = x.author
        LIMIT 1
    ) r
), opened AS (
    INSERT INTO conversations (channel, conversation_key, requester_id, lang, created_at, updated_at, last_message_at)
    SELECT x.channel, x.conversation_key, CAST(r.requester->>'id' AS bigint),
           coalesce(nullif(x.lang, ''), r.requester->>'lang', ''), x.opened_at, x.opened_at, x.opened_at
    FROM x JOIN r ON r.ord = x.ord
    WHERE NOT EXISTS (SELECT 1 FROM found WHERE found.ord = x.ord)
    ORDER BY x.channel, x.conversation_key
    ON CONFLICT (channel, conversation_key) WHERE state <> 'closed' DO NOTHING
    RETURNING *
), e AS (
    INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
    SELECT id, created_at, 'system', 'opened', '', 'bot' FROM opened
), c AS (
    SELECT * FROM found
    UNION ALL
    SELECT x.ord, opened.* FROM opened JOIN x ON x.channel = opened.channel AND x.conversation_key = opened.conversation_key
), new_messages AS (
    SELECT c.id AS conversation_id, x.channel, x.external_id, 'in' AS direction, x.author, x.body, x.payload,
           x.created_at, x.ord AS n
    FROM x JOIN c ON c.ord = x.ord JOIN r ON r.ord = x.ord
), m AS (
    {{new-messages}}
)
SELECT r.requester, to_jsonb(c) - 'ord' AS conversation, m.id AS message_id
FROM x LEFT JOIN r ON r.ord = x.ord LEFT JOIN c ON c.ord = x.ord
LEFT JOIN m ON m.channel = x.channel AND m.external_id = x.external_id
ORDER BY x.ord;

-- name: finish-turns
-- The hot path's last statement, for every message of a group at once:
-- each conversation's new state and audit lines, the replies (ids back in
-- the order given), and which conversations have an earlier reply still
-- unsent (the new ones then wait behind it; the statement's snapshot does
-- not see its own inserts). $1 is a JSON array of finishTurnRow
-- (turnstore.go).
WITH v AS (
    SELECT * FROM ROWS FROM (jsonb_to_recordset($1) AS (id bigint, requester_id bigint, lang text, state text, level smallint, agent_id bigint, ticket_id bigint, context jsonb, updated_at timestamptz, last_message_at timestamptz, channel text, replies jsonb, events jsonb)) WITH ORDINALITY AS v(id, requester_id, lang, state, level, agent_id, ticket_id, context, updated_at, last_message_at, channel, replies, events, ord)
), u AS (
    UPDATE conversations c SET
        requester_id = v.requester_id, lang = v.lang, state = v.state, level = v.level, agent_id = v.agent_id,
        ticket_id = v.ticket_id, context = v.context, updated_at = v.updated_at, last_message_at = v.last_message_at
    FROM v WHERE c.id = v.id AND c.id = ANY (ARRAY(SELECT id FROM v)) -- by the primary key, however many
), new_messages AS (
    SELECT v.id AS conversation_id, v.channel, x.external_id, 'out' AS direction, 'bot' AS author, x.body, x.payload,
           v.updated_at AS created_at, row_number() OVER (ORDER BY v.ord, x.n) AS n
    FROM v, ROWS FROM (jsonb_to_recordset(v.replies) AS (external_id text, body text, payload jsonb)) WITH ORDINALITY AS x(external_id, body, payload, n)
), ins AS (
    {{new-messages}}
), ev AS (
    INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
    SELECT v.id, v.updated_at, x.actor, x.kind, x.old, x.new
    FROM v, ROWS FROM (jsonb_to_recordset(v.events) AS (actor text, kind text, old text, new text)) WITH ORDINALITY AS x(actor, kind, old, new, n)
    ORDER BY v.ord, x.n
)
-- behind looks at the newest live reply of each conversation only (see
-- earlier-unsent): one probe however long the conversation.
SELECT coalesce((SELECT array_agg(id ORDER BY id) FROM ins), '{}') AS ids,
       coalesce((SELECT array_agg(v.id) FROM (SELECT DISTINCT id FROM v) v
                 CROSS JOIN LATERAL (
                     SELECT m.id FROM messages m
                     WHERE m.conversation_id = v.id AND m.direction = 'out' AND m.failed_at IS NULL
                     ORDER BY m.id DESC LIMIT 1) newest
                 WHERE NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = newest.id)), '{}') AS behind;

-- name: queue-position
-- Where a queued conversation stands among those of its level, in the
-- order agents take them (queue): 1 is next. No row: not queued.
SELECT pos FROM (
    SELECT c.id, row_number() OVER (ORDER BY coalesce(t.call_back, false) DESC, t.priority NULLS LAST, c.created_at, c.id) AS pos
    FROM conversations c LEFT JOIN tickets t ON t.id = c.ticket_id
    WHERE c.state = 'queued' AND c.level = $1
) q WHERE q.id = $2;

-- name: next-prompt
-- A number for the buttons an agent's operation offers (the satisfaction
-- question): from the messages' sequence, so it never equals the number
-- of a bot turn's prompt (the inbound message's id).
SELECT nextval(pg_get_serial_sequence('messages', 'id'));

-- name: unsent-replies
-- The replies of a channel's open conversation not yet delivered, oldest
-- first: a channel served by another process (the terminal chat) sends
-- them itself.
SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE c.channel = $1 AND c.conversation_key = $2 AND c.state <> 'closed'
  AND m.direction = 'out' AND m.failed_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = m.id)
ORDER BY m.id;

-- name: queue-length
SELECT count(*) FROM conversations WHERE state = 'queued' AND level = $1;

-- The privacy retention (tickets.ApplyRetention) masks an old conversation
-- through Store.MaskConversation, in its transaction.

-- name: message-texts
SELECT id, body FROM messages WHERE conversation_id = $1;

-- name: set-message-text
UPDATE messages SET body = $2, payload = '{}' WHERE id = $1;

-- name: clear-conversation
UPDATE conversations SET context = '{}' WHERE id = $1;

-- name: seed-history
-- The past of a desk that `helpdesk bench` gives its throw-away database
-- (SeedHistory): $1 closed conversations of a month and a half ago, of
-- the requesters with an identity on channel $2 (tickets.SeedHistory made
-- them) in turn, each with a greeting, a question and the bot's two
-- replies, all delivered, and their audit lines.
WITH i AS (
    SELECT requester_id, row_number() OVER (ORDER BY requester_id) - 1 AS k, count(*) OVER () AS total
    FROM requester_identities WHERE channel = $2
), c AS (
    INSERT INTO conversations (channel, conversation_key, requester_id, lang, state, level, context, created_at, updated_at, last_message_at)
    SELECT $2, 'h-' || g, i.requester_id, 'it', 'closed', 1, '{}',
           now() - interval '45 days' + g * interval '3 minutes',
           now() - interval '45 days' + g * interval '3 minutes' + interval '2 minutes',
           now() - interval '45 days' + g * interval '3 minutes' + interval '1 minute'
    FROM generate_series(1, $1::int) g JOIN i ON i.k = g % i.total
    RETURNING id, requester_id, created_at
), new_messages AS (
    SELECT c.id AS conversation_id, $2 AS channel, 'h-' || c.id || '-' || k AS external_id,
           CASE WHEN k % 2 = 0 THEN 'in' ELSE 'out' END AS direction,
           CASE WHEN k % 2 = 0 THEN 'h-user-' || c.requester_id ELSE 'bot' END AS author,
           (ARRAY['buongiorno',
                  'Buongiorno, come posso aiutarla? Mi descriva il problema in poche parole.',
                  'non riesco ad accedere al portale con lo SPID, mi dice credenziali non valide',
                  'Ho trovato questo nelle guide: Accesso con SPID non riuscito. Se non basta, scriva "operatore".'])[k + 1] AS body,
           CASE WHEN k % 2 = 0 THEN '{}'::jsonb
                ELSE jsonb_build_object('text', 'risposta', 'buttons', jsonb_build_array('Risolto', 'Non risolto', 'Operatore')) END AS payload,
           c.created_at + k * interval '10 seconds' AS created_at,
           row_number() OVER (ORDER BY c.id, k) AS n
    FROM c CROSS JOIN generate_series(0, 3) k
), ins AS (
    {{new-messages}}
), d AS (
    INSERT INTO message_deliveries (message_id, sent_at)
    SELECT ins.id, nm.created_at + interval '1 second'
    FROM ins JOIN new_messages nm ON nm.external_id = ins.external_id WHERE nm.direction = 'out'
), e AS (
    INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
    SELECT c.id, c.created_at, 'bot', 'state', s.old, s.new
    FROM c CROSS JOIN (VALUES ('', 'bot'), ('bot', 'closed')) s(old, new)
)
SELECT count(*) FROM ins;
