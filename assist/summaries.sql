-- The language model's handoff summaries (migration 00140): assist owns
-- conversation_summaries (summaries.go); loaded by db.ScanQueries.

-- name: summary
SELECT lang, body, last_message_id, created_by, created_at
FROM conversation_summaries WHERE conversation_id = $1;

-- name: save-summary
-- Never for an anonymised conversation; of two agents asking at once,
-- the summary covering more messages stays.
INSERT INTO conversation_summaries (conversation_id, lang, body, last_message_id, created_by, created_at)
SELECT $1::bigint, $2::text, $3::text, $4::bigint, $5::text, $6::timestamptz
WHERE NOT EXISTS (SELECT 1 FROM anonymised a WHERE a.kind = 'conversation' AND a.id = $1::bigint)
ON CONFLICT (conversation_id) DO UPDATE SET lang = EXCLUDED.lang, body = EXCLUDED.body,
    last_message_id = EXCLUDED.last_message_id, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
WHERE conversation_summaries.last_message_id <= EXCLUDED.last_message_id;
