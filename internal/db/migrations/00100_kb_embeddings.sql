-- Semantic search: one embedding per knowledge-base entry and model, kept
-- for the revision it was computed from (a newer revision is re-embedded).
-- Vectors are plain real[] so the schema works on every PostgreSQL; when
-- the pgvector extension is installed it is enabled too, and kb casts the
-- arrays to vector to rank inside the database.

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS vector;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pgvector is installed but this role may not enable it: in-process similarity is used';
        END;
    END IF;
END
$$;
-- +goose StatementEnd

CREATE TABLE kb_embeddings (
    entry_id   bigint NOT NULL REFERENCES kb_entries (id) ON DELETE CASCADE,
    model      text NOT NULL,
    revision   int NOT NULL,
    dims       int NOT NULL CHECK (dims > 0),
    embedding  real[] NOT NULL CHECK (cardinality(embedding) = dims),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, model)
);

-- +goose Down
DROP TABLE kb_embeddings;
-- The extension stays, like the others: other schema may rely on it.
