-- The PostgreSQL full-text engine, kept to compare with the in-process
-- index (docs/kb-search.md): the query's lexemes OR-ed, ranked by
-- ts_rank_cd (normalised to [0, 1)) plus trigram similarity of the title
-- for typos. $1 regconfig, $2 text, $3 lang filter, $4 audience, $5 limit.
WITH q AS (
    SELECT coalesce((SELECT string_agg(quote_literal(lexeme), ' | ')
                     FROM unnest(to_tsvector($1::regconfig, unaccent($2)))), '')::tsquery AS tsq
)
SELECT slug, title, kind, lang, category, revision, body,
       (ts_rank_cd(search, q.tsq, 32) + 0.5 * word_similarity(unaccent($2), unaccent(title)))::float8 AS score
FROM kb_entries, q
WHERE status = 'published' AND ($3 = '' OR lang = $3) AND (audience = 'public' OR $4 = 'internal')
  AND (search @@ q.tsq OR unaccent($2) <% unaccent(title))
ORDER BY score DESC, slug
LIMIT $5;
