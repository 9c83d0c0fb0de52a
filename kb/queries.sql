-- Queries of the kb package, loaded by db.ScanQueries.

-- name: get-entry
SELECT id, slug, kind, lang, translation_of, title, questions, body, category, tags, product,
       audience, status, media, anchor, revision, seq, updated_at, published_at
FROM kb_entries WHERE slug = $1;

-- name: get-entry-for-update
SELECT id, slug, kind, lang, translation_of, title, questions, body, category, tags, product,
       audience, status, media, anchor, revision, seq, updated_at, published_at
FROM kb_entries WHERE slug = $1 FOR UPDATE;

-- name: list-entries
-- Empty filters match everything.
SELECT id, slug, kind, lang, translation_of, title, questions, body, category, tags, product,
       audience, status, media, anchor, revision, seq, updated_at, published_at
FROM kb_entries
WHERE ($1 = '' OR status = $1) AND ($2 = '' OR lang = $2) AND ($3 = '' OR audience = $3)
ORDER BY slug;

-- name: changed-since
-- Rows written after seq, in commit order (writers are serialised by the
-- trigger), for the search index to catch up.
SELECT id, slug, kind, lang, translation_of, title, questions, body, category, tags, product,
       audience, status, media, anchor, revision, seq, updated_at, published_at, learned
FROM kb_entries WHERE seq > $1 ORDER BY seq;

-- name: max-seq
SELECT coalesce(max(seq), 0) AS seq, (SELECT version FROM kb_synonyms_version WHERE id = 1) AS synonyms,
       (SELECT coalesce(max(id), 0) FROM kb_confirmations) AS confirmations
FROM kb_entries;

-- name: insert-entry
INSERT INTO kb_entries (slug, kind, lang, translation_of, title, questions, body, category, tags, product,
                        audience, status, media, anchor, revision, created_at, updated_at, published_at)
VALUES (:slug, :kind, :lang, :translation_of, :title, :questions, :body, :category, :tags, :product,
        :audience, :status, :media, :anchor, :revision, :updated_at, :updated_at, :published_at)
RETURNING id;

-- name: update-entry
UPDATE kb_entries SET kind = :kind, lang = :lang, translation_of = :translation_of, title = :title,
       questions = :questions, body = :body, category = :category, tags = :tags, product = :product,
       audience = :audience, status = :status, media = :media, anchor = :anchor, revision = :revision,
       updated_at = :updated_at, published_at = :published_at
WHERE id = :id;

-- name: insert-revision
INSERT INTO kb_revisions (entry_id, revision, author, note, changed, content, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: list-revisions
SELECT r.revision, r.author, r.note, r.changed, r.content, r.created_at
FROM kb_revisions r JOIN kb_entries e ON e.id = r.entry_id
WHERE e.slug = $1 ORDER BY r.revision;

-- name: get-revision
SELECT r.revision, r.author, r.note, r.changed, r.content, r.created_at
FROM kb_revisions r JOIN kb_entries e ON e.id = r.entry_id
WHERE e.slug = $1 AND r.revision = $2;

-- name: list-synonyms
SELECT lang, terms FROM kb_synonyms ORDER BY pos;

-- name: delete-synonyms
DELETE FROM kb_synonyms;

-- name: insert-synonyms
INSERT INTO kb_synonyms (pos, lang, terms) VALUES ($1, $2, $3);

-- name: bump-synonyms
UPDATE kb_synonyms_version SET version = version + 1 WHERE id = 1;

-- name: insert-search
INSERT INTO kb_searches (query, lang, audience, channel, top_entry, top_score, confidence, confident, hits)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: insert-answer
INSERT INTO kb_answers (search_id, entry_slug, revision, channel) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: rate-answer
UPDATE kb_answers SET helpful = $2, rated_at = now() WHERE id = $1;

-- name: stats-most-used
SELECT entry_slug AS entry, count(*) AS shown,
       count(*) FILTER (WHERE helpful) AS helpful, count(*) FILTER (WHERE NOT helpful) AS not_helpful
FROM kb_answers WHERE shown_at >= $1
GROUP BY entry_slug ORDER BY shown DESC, entry_slug LIMIT $2;

-- name: stats-worst-rated
-- Only entries with at least $3 votes, so one unlucky vote is not "worst".
SELECT entry_slug AS entry, count(*) AS shown,
       count(*) FILTER (WHERE helpful) AS helpful, count(*) FILTER (WHERE NOT helpful) AS not_helpful
FROM kb_answers WHERE shown_at >= $1
GROUP BY entry_slug
HAVING count(helpful) >= $3
ORDER BY (count(*) FILTER (WHERE helpful))::float / count(helpful), not_helpful DESC, entry_slug
LIMIT $2;

-- name: stats-gaps
-- The most frequent searches that found no confident answer; queries are
-- compared lower-cased and trimmed.
SELECT lower(btrim(query)) AS query, count(*) AS times, max(confidence) AS best_confidence, max(at) AS last_at
FROM kb_searches WHERE at >= $1 AND NOT confident
GROUP BY lower(btrim(query)) ORDER BY times DESC, last_at DESC LIMIT $2;

-- name: stats-totals
SELECT count(*) AS searches, count(*) FILTER (WHERE confident) AS confident
FROM kb_searches WHERE at >= $1;

-- name: translations
-- Entries linked to $1 by translation_of, in either direction, and the
-- other translations of the same original.
SELECT id, slug, kind, lang, translation_of, title, questions, body, category, tags, product,
       audience, status, media, anchor, revision, seq, updated_at, published_at
FROM kb_entries
WHERE slug <> $1 AND (
      translation_of = $1
   OR slug = (SELECT translation_of FROM kb_entries WHERE slug = $1)
   OR (translation_of <> '' AND translation_of = (SELECT translation_of FROM kb_entries WHERE slug = $1)))
ORDER BY lang, slug;

-- name: next-search-ids
-- A block of ids for the write-behind feedback log (feedlog.go).
SELECT nextval('kb_searches_id_seq') FROM generate_series(1, $1::int);

-- name: next-answer-ids
SELECT nextval('kb_answers_id_seq') FROM generate_series(1, $1::int);

-- name: insert-searches
INSERT INTO kb_searches (id, at, query, lang, audience, channel, top_entry, top_score, confidence, confident, hits)
SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::real[], $9::real[], $10::boolean[], $11::int[]);

-- name: insert-answers
INSERT INTO kb_answers (id, search_id, entry_slug, revision, channel, shown_at)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[], $5::text[], $6::timestamptz[]);

-- name: rate-answers
-- In log order: the last vote on an answer wins.
UPDATE kb_answers a SET helpful = v.helpful, rated_at = v.at
FROM (SELECT DISTINCT ON (id) id, helpful, at
      FROM unnest($1::bigint[], $2::boolean[], $3::timestamptz[]) WITH ORDINALITY AS u(id, helpful, at, n)
      ORDER BY id, n DESC) v
WHERE a.id = v.id;

-- name: confirm
-- A confirmation in one statement: recorded only for a published entry
-- in the language asked ($4; empty: any), and back come the entry's
-- language (no row: not recorded), the distinct confirmers of the
-- phrasing counting this one (one person pressing "Risolto" ten times is
-- one), and whether an editor or an earlier count already decided on it
-- (auto-learn then has nothing to do). The statement's snapshot does not
-- see its own insert, hence the UNION with it.
WITH e AS (
    SELECT lang FROM kb_entries WHERE slug = $5 AND status = 'published' AND ($4 = '' OR lang = $4)
), ins AS (
    INSERT INTO kb_confirmations (at, query, phrasing, lang, entry_slug, source, who)
    SELECT $1, $2, $3, e.lang, $5, $6, $7 FROM e
    RETURNING lang, who
)
-- A phrasing decided on is not counted: its count no longer matters, and
-- counting read every confirmation it ever had.
SELECT ins.lang, d.decided,
       CASE WHEN d.decided THEN 0 ELSE
           (SELECT count(*) FROM (SELECT who FROM kb_confirmations WHERE entry_slug = $5 AND phrasing = $3
                                  UNION SELECT who FROM ins) w) END AS confirmers
FROM ins, (SELECT EXISTS (SELECT 1 FROM kb_learned_phrasings WHERE entry_slug = $5 AND phrasing = $3) AS decided) d;

-- name: insert-confirmations
-- The write-behind log's confirmations (confirmlog.go), all in one
-- statement, recorded as confirm records one; back come the phrasings
-- they confirmed that nobody has decided on yet, with the entry's
-- language and the latest wording (the one Confirm would learn): those
-- may have reached the threshold.
WITH x AS (
    SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
        AS x(at, query, phrasing, lang, entry_slug, source, who)
), ins AS (
    INSERT INTO kb_confirmations (at, query, phrasing, lang, entry_slug, source, who)
    SELECT x.at, x.query, x.phrasing, e.lang, x.entry_slug, x.source, x.who
    FROM x JOIN kb_entries e ON e.slug = x.entry_slug AND e.status = 'published' AND (x.lang = '' OR e.lang = x.lang)
    RETURNING entry_slug, phrasing, lang, query, id
)
SELECT DISTINCT ON (entry_slug, phrasing) entry_slug, phrasing, lang, query FROM ins
WHERE NOT EXISTS (SELECT 1 FROM kb_learned_phrasings l WHERE l.entry_slug = ins.entry_slug AND l.phrasing = ins.phrasing)
ORDER BY entry_slug, phrasing, id DESC;

-- name: ripe-phrasings
-- Which of the phrasings given ($1 entries, $2 phrasings; 1-based
-- positions back) have at least $3 distinct confirmers.
SELECT p.n FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(entry_slug, phrasing, n)
WHERE (SELECT count(DISTINCT who) FROM kb_confirmations c
       WHERE c.entry_slug = p.entry_slug AND c.phrasing = p.phrasing) >= $3
ORDER BY p.n;

-- name: auto-learn
-- A phrasing confirmed often enough is learned, unless an editor already
-- decided on it (a removed phrasing is never learned again by itself).
INSERT INTO kb_learned_phrasings (entry_slug, phrasing, lang, query, status, decided_by, decided_at)
VALUES ($1, $2, $3, $4, 'learned', 'auto', $5)
ON CONFLICT (entry_slug, phrasing) DO NOTHING;

-- name: decide-phrasing
-- An editor accepts or removes a phrasing; its wording is the latest
-- confirmation's when it was not decided before.
INSERT INTO kb_learned_phrasings (entry_slug, phrasing, lang, query, status, decided_by, decided_at)
SELECT $1, $2, c.lang, c.query, $3, $4, $5
FROM (SELECT lang, query FROM kb_learned_phrasings WHERE entry_slug = $1 AND phrasing = $2
      UNION ALL
      (SELECT lang, query FROM kb_confirmations WHERE entry_slug = $1 AND phrasing = $2 ORDER BY id DESC LIMIT 1)) AS c
LIMIT 1
ON CONFLICT (entry_slug, phrasing) DO UPDATE SET status = $3, decided_by = $4, decided_at = $5;

-- name: sync-learned
-- The phrasings in use are copied into the entry: the write bumps its seq,
-- so every instance's index picks them up (docs/kb-search.md).
UPDATE kb_entries SET learned = ARRAY(
    SELECT query FROM kb_learned_phrasings
    WHERE entry_slug = $1 AND status IN ('learned', 'accepted') ORDER BY decided_at, phrasing)
WHERE slug = $1;

-- name: list-learned
-- Decided phrasings, and the candidates still counting confirmations.
SELECT p.phrasing, p.query, p.status, p.decided_by, p.decided_at,
       coalesce(c.n, 0) AS confirmations, c.last_at
FROM kb_learned_phrasings p
LEFT JOIN (SELECT phrasing, count(DISTINCT who) AS n, max(at) AS last_at
           FROM kb_confirmations WHERE entry_slug = $1 GROUP BY phrasing) c USING (phrasing)
WHERE p.entry_slug = $1
UNION ALL
SELECT c.phrasing, (array_agg(c.query ORDER BY c.id DESC))[1], 'candidate', '', NULL,
       count(DISTINCT c.who), max(c.at)
FROM kb_confirmations c
WHERE c.entry_slug = $1
  AND NOT EXISTS (SELECT 1 FROM kb_learned_phrasings p WHERE p.entry_slug = $1 AND p.phrasing = c.phrasing)
GROUP BY c.phrasing
ORDER BY 3, 6 DESC, 1;

-- name: search-query
SELECT query, lang FROM kb_searches WHERE id = $1;

-- name: confirmations-for-terms
-- Every confirmation whose words may become learned terms of its entry
-- (learnwords.go): those of a phrasing an editor removed are left out.
SELECT c.phrasing AS query, c.lang, c.entry_slug AS entry, c.who
FROM kb_confirmations c
WHERE NOT EXISTS (SELECT 1 FROM kb_learned_phrasings p
                  WHERE p.entry_slug = c.entry_slug AND p.phrasing = c.phrasing AND p.status = 'removed')
ORDER BY c.id;
