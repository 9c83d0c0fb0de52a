-- Learning from use (issue 17): every confirmation that a query was
-- answered by an entry (a "Risolto" press, a positive vote, an agent's
-- reply or resolution citing the entry), and the phrasings learned from
-- them. The phrasings in use are copied into kb_entries.learned so that
-- writing them bumps the entry's seq: every instance's search index picks
-- them up like any other edit, without restart.

-- +goose Up
CREATE TABLE kb_confirmations (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    query      text NOT NULL,          -- as written, personal data masked
    phrasing   text NOT NULL,          -- the query normalised: what counts as "the same words"
    lang       text NOT NULL CHECK (lang IN ('it', 'en')),
    entry_slug text NOT NULL,
    source     text NOT NULL CHECK (source IN ('solved', 'vote', 'agent', 'ticket')),
    who        text NOT NULL           -- who confirmed: a user key or an agent's login
);
CREATE INDEX kb_confirmations_phrasing ON kb_confirmations (entry_slug, phrasing);

-- A phrasing decided for an entry: learned automatically (enough distinct
-- confirmations), accepted by an editor, or removed by one (then it is
-- never learned again automatically).
CREATE TABLE kb_learned_phrasings (
    entry_slug text NOT NULL,
    phrasing   text NOT NULL,
    lang       text NOT NULL,
    query      text NOT NULL,          -- one confirmed wording, as shown to editors
    status     text NOT NULL CHECK (status IN ('learned', 'accepted', 'removed')),
    decided_by text NOT NULL,          -- 'auto' or the editor's login
    decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_slug, phrasing)
);

ALTER TABLE kb_entries ADD COLUMN learned text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE kb_entries DROP COLUMN learned;
DROP TABLE kb_learned_phrasings;
DROP TABLE kb_confirmations;
