-- Queries of the REST API (web/api), loaded by db.ScanQueries.

-- name: tickets-page
-- Keyset pagination, newest first: $1 is the last id of the previous page
-- (0: from the top). Empty filters match everything. The text ($6) is
-- looked for as written: its % and _ are not wildcards.
SELECT tickets.* FROM tickets,
     LATERAL (SELECT replace(replace(replace($6::text, '\', '\\'), '%', '\%'), '_', '\_') AS like_text) l
WHERE ($1::bigint = 0 OR id < $1::bigint)
  AND ($2::text = '' OR state = $2::text)
  AND ($3::text = '' OR priority = $3::text)
  AND ($4::int = 0 OR level = $4::int)
  AND ($5::text = '' OR origin_channel = $5::text)
  AND ($6::text = '' OR subject ILIKE '%' || like_text || '%' OR description ILIKE '%' || like_text || '%'
       OR number = upper($6::text))
ORDER BY id DESC
LIMIT $7::int;
