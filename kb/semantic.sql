-- Semantic search (semantic.go): entry embeddings, see migration 00100.

-- name: sem-stale
-- Published entries with no embedding of this model at their revision.
SELECT e.id, e.slug, e.revision, e.lang, e.title, e.questions, e.body
FROM kb_entries e
LEFT JOIN kb_embeddings v ON v.entry_id = e.id AND v.model = $1
WHERE e.status = 'published' AND (v.entry_id IS NULL OR v.revision <> e.revision)
ORDER BY e.id
LIMIT $2;

-- name: sem-upsert
INSERT INTO kb_embeddings (entry_id, model, revision, dims, embedding, updated_at)
VALUES ($1, $2, $3, $4, $5, now())
ON CONFLICT (entry_id, model) DO UPDATE
SET revision = EXCLUDED.revision, dims = EXCLUDED.dims, embedding = EXCLUDED.embedding, updated_at = now();

-- name: sem-prune
-- Embeddings of entries that are no longer published.
DELETE FROM kb_embeddings v USING kb_entries e
WHERE v.entry_id = e.id AND v.model = $1 AND e.status <> 'published';

-- name: sem-load
-- Every current vector of the model, for in-process similarity.
SELECT e.slug, e.revision, e.lang, e.audience, e.title, e.kind, e.category, e.body, v.embedding
FROM kb_embeddings v JOIN kb_entries e ON e.id = v.entry_id
WHERE v.model = $1 AND e.status = 'published' AND v.revision = e.revision;

-- name: sem-version
-- Changes to the vectors: a reader reloads when this moves.
SELECT count(*) AS n, coalesce(max(updated_at), 'epoch') AS at FROM kb_embeddings WHERE model = $1;

-- name: sem-has-pgvector
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector');

-- name: sem-pgvector-search
-- Used only when pgvector is enabled: cosine distance ranked in the database.
SELECT e.slug, e.revision, e.lang, e.audience, e.title, e.kind, e.category, e.body,
       1 - (v.embedding::vector <=> $2::real[]::vector) AS similarity
FROM kb_embeddings v JOIN kb_entries e ON e.id = v.entry_id
WHERE v.model = $1 AND e.status = 'published' AND v.revision = e.revision AND v.dims = $3
  AND ($4 = '' OR e.lang = $4) AND ($5 = 'internal' OR e.audience = 'public')
ORDER BY v.embedding::vector <=> $2::real[]::vector
LIMIT $6;
