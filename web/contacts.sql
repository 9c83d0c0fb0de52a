-- Queries of the contacts agents record in the console (contacts.go).

-- name: requester-lookup
-- $1: a LIKE pattern on name and e-mail ('' : none); $2: a LIKE pattern
-- on the digits of a telephone identity ('' : none). Newest first.
SELECT r.id, r.name, r.email, r.lang,
       COALESCE((SELECT string_agg(i.external_id, ', ' ORDER BY i.external_id)
                 FROM requester_identities i
                 WHERE i.requester_id = r.id AND i.channel = 'phone'), '') AS phone,
       (SELECT count(*) FROM tickets t
        WHERE t.requester_id = r.id
          AND t.state IN ('new', 'open', 'waiting_requester', 'waiting_third_party')) AS open_tickets
FROM requesters r
WHERE ($1 <> '' AND (lower(r.name) LIKE $1 OR lower(r.email) LIKE $1))
   OR ($2 <> '' AND r.id IN (SELECT i.requester_id FROM requester_identities i
                             WHERE i.channel = 'phone'
                               AND regexp_replace(i.external_id, '[^0-9]', '', 'g') LIKE $2))
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
