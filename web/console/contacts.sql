-- Queries of the contacts agents record in the console (contacts.go).

-- name: requester-lookup-text
-- $1: a LIKE pattern on name and e-mail. The matches are found first
-- through the trigram indexes (migration 00130), then the newest eight
-- kept: walking the primary key backwards instead costs a scan of the
-- register when the text is rare. A text so common that it matches more
-- than 500 people shows eight of the first 500 found: the agent types
-- on to narrow it.
WITH m AS MATERIALIZED (
    SELECT id FROM requesters WHERE lower(name) LIKE $1 OR lower(email) LIKE $1 LIMIT 500
)
SELECT r.id, r.name, r.email, r.lang,
       COALESCE((SELECT string_agg(i.external_id, ', ' ORDER BY i.external_id)
                 FROM requester_identities i
                 WHERE i.requester_id = r.id AND i.channel = 'phone'), '') AS phone,
       (SELECT count(*) FROM tickets t
        WHERE t.requester_id = r.id
          AND t.state = ANY($2::text[])) AS open_tickets -- $2: tickets.OpenStates
FROM requesters r JOIN m ON m.id = r.id
ORDER BY r.id DESC
LIMIT 8;

-- name: requester-lookup-phone
-- $1: '%' and the digits a telephone identity ends with (identities are
-- kept normalised: digits, optional leading +; trigram index of
-- migration 00131). Newest first.
SELECT r.id, r.name, r.email, r.lang,
       COALESCE((SELECT string_agg(i.external_id, ', ' ORDER BY i.external_id)
                 FROM requester_identities i
                 WHERE i.requester_id = r.id AND i.channel = 'phone'), '') AS phone,
       (SELECT count(*) FROM tickets t
        WHERE t.requester_id = r.id
          AND t.state = ANY($2::text[])) AS open_tickets -- $2: tickets.OpenStates
FROM requesters r
WHERE r.id IN (SELECT i.requester_id FROM requester_identities i
               WHERE i.channel = 'phone' AND i.external_id LIKE $1)
ORDER BY r.id DESC
LIMIT 8;

-- name: products
-- The applications the page offers: the knowledge base's products, the
-- most documented first (the tickets' products would cost a scan of
-- every ticket on each page).
SELECT product FROM kb_entries WHERE product <> ''
GROUP BY product
ORDER BY count(*) DESC, product
LIMIT 200;
