-- Knowledge base: entries with their editorial workflow, immutable
-- revisions, synonyms, and the search/feedback log.

-- +goose Up

-- Trusted extensions (PostgreSQL 13+): the owner of the database may create
-- them. They serve the PostgreSQL full-text search engine and typo matching.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Every write to kb_entries takes the next value, in commit order (see the
-- trigger): a search index in any instance catches up by reading the rows
-- whose seq is above the last one it saw.
CREATE SEQUENCE kb_change_seq;

CREATE TABLE kb_entries (
    id             bigserial PRIMARY KEY,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9._-]*$'),
    kind           text NOT NULL CHECK (kind IN ('faq', 'tutorial', 'manual')),
    lang           text NOT NULL CHECK (lang IN ('it', 'en')),
    translation_of text NOT NULL DEFAULT '',
    title          text NOT NULL CHECK (title <> ''),
    questions      text[] NOT NULL DEFAULT '{}',
    body           text NOT NULL DEFAULT '',
    category       text NOT NULL DEFAULT '',
    tags           text[] NOT NULL DEFAULT '{}',
    product        text NOT NULL DEFAULT '',
    audience       text NOT NULL DEFAULT 'public' CHECK (audience IN ('public', 'internal')),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
    media          jsonb NOT NULL DEFAULT '[]',
    anchor         text NOT NULL DEFAULT '',
    revision       int NOT NULL DEFAULT 1,
    seq            bigint NOT NULL DEFAULT 0,
    search         tsvector,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz
);
CREATE INDEX kb_entries_seq ON kb_entries (seq);
CREATE INDEX kb_entries_status ON kb_entries (status, lang);
CREATE INDEX kb_entries_search ON kb_entries USING gin (search);
CREATE INDEX kb_entries_title_trgm ON kb_entries USING gin (title gin_trgm_ops);

-- +goose StatementBegin
CREATE FUNCTION kb_entries_touch() RETURNS trigger AS $$
DECLARE
    cfg regconfig := CASE NEW.lang WHEN 'en' THEN 'english'::regconfig ELSE 'italian'::regconfig END;
BEGIN
    -- Serialise writers so that seq order is commit order: a reader that
    -- saw seq N never misses a later commit with a smaller number.
    PERFORM pg_advisory_xact_lock(7270010);
    NEW.seq := nextval('kb_change_seq');
    NEW.search :=
        setweight(to_tsvector(cfg, unaccent(NEW.title)), 'A') ||
        setweight(to_tsvector(cfg, unaccent(array_to_string(NEW.questions, ' . '))), 'A') ||
        setweight(to_tsvector(cfg, unaccent(array_to_string(NEW.tags, ' . ') || ' ' || NEW.product)), 'B') ||
        setweight(to_tsvector(cfg, unaccent(NEW.body)), 'C');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER kb_entries_touch BEFORE INSERT OR UPDATE ON kb_entries
    FOR EACH ROW EXECUTE FUNCTION kb_entries_touch();

-- One row per save; never updated. content is the full entry as saved,
-- changed lists the fields that differ from the previous revision.
CREATE TABLE kb_revisions (
    entry_id   bigint NOT NULL REFERENCES kb_entries (id) ON DELETE CASCADE,
    revision   int NOT NULL,
    author     text NOT NULL,
    note       text NOT NULL DEFAULT '',
    changed    text[] NOT NULL DEFAULT '{}',
    content    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, revision)
);

-- +goose StatementBegin
CREATE FUNCTION kb_revisions_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'kb_revisions rows are immutable';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER kb_revisions_no_update BEFORE UPDATE ON kb_revisions
    FOR EACH ROW EXECUTE FUNCTION kb_revisions_immutable();

-- Synonym groups per language ('' = every language). Replaced as a whole
-- by an import; version is bumped so every instance reloads them.
CREATE TABLE kb_synonyms (
    pos   int NOT NULL,
    lang  text NOT NULL DEFAULT '',
    terms text[] NOT NULL
);
CREATE TABLE kb_synonyms_version (
    id      int PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO kb_synonyms_version VALUES (1, 0);

-- Every search, with its best hit: the gaps report reads it.
CREATE TABLE kb_searches (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    query      text NOT NULL,
    lang       text NOT NULL DEFAULT '',
    audience   text NOT NULL DEFAULT 'public',
    channel    text NOT NULL DEFAULT '',
    top_entry  text NOT NULL DEFAULT '',
    top_score  real NOT NULL DEFAULT 0,
    confidence real NOT NULL DEFAULT 0,
    confident  boolean NOT NULL DEFAULT false,
    hits       int NOT NULL DEFAULT 0
);
CREATE INDEX kb_searches_at ON kb_searches (at);

-- Each answer shown to a user, and whether they found it helpful.
CREATE TABLE kb_answers (
    id         bigserial PRIMARY KEY,
    search_id  bigint REFERENCES kb_searches (id) ON DELETE SET NULL,
    entry_slug text NOT NULL,
    revision   int NOT NULL DEFAULT 0,
    channel    text NOT NULL DEFAULT '',
    shown_at   timestamptz NOT NULL DEFAULT now(),
    helpful    boolean,
    rated_at   timestamptz
);
CREATE INDEX kb_answers_entry ON kb_answers (entry_slug);

-- +goose Down
DROP TABLE kb_answers;
DROP TABLE kb_searches;
DROP TABLE kb_synonyms_version;
DROP TABLE kb_synonyms;
DROP TABLE kb_revisions;
DROP FUNCTION kb_revisions_immutable();
DROP TABLE kb_entries;
DROP FUNCTION kb_entries_touch();
DROP SEQUENCE kb_change_seq;
-- The extensions stay: other schema may come to rely on them.
