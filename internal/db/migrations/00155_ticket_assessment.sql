-- The bot's assessment of a ticket (urgency, impact, type, confidence, the
-- cues that decided them, the query it searched and the entries it offered)
-- moves out of the description into a column of its own: the description is
-- the requester's words again, and the console shows the assessment in a
-- translated panel instead of English debug text.
--
-- Tickets opened before this ended their description with
--   "\n\n[Cerca nelle guide] <query>" (when the query was not in the text),
--   "\n\nKB: id1, id2" and
--   "\n\nseverity: urgency=U impact=I (why1; why2)".
-- Those tails are moved into the column and cut from the description, so
-- old tickets read like new ones.

-- +goose Up
ALTER TABLE tickets ADD COLUMN assessment jsonb NOT NULL DEFAULT '{}';

WITH m AS (
    SELECT id, regexp_match(description, E'\n\nseverity: urgency=([a-z]+) impact=([a-z]+) \\(([^\n]*)\\)$') AS r
    FROM tickets WHERE strpos(description, E'\n\nseverity: urgency=') > 0)
UPDATE tickets t SET
    assessment = t.assessment || jsonb_build_object('urgency', m.r[1], 'impact', m.r[2])
        || CASE WHEN m.r[3] = '' THEN '{}'::jsonb ELSE jsonb_build_object('why', to_jsonb(string_to_array(m.r[3], '; '))) END,
    description = regexp_replace(t.description, E'\n\nseverity: urgency=[a-z]+ impact=[a-z]+ \\([^\n]*\\)$', '')
FROM m WHERE t.id = m.id AND m.r IS NOT NULL;

WITH m AS (
    SELECT id, regexp_match(description, E'\n\nKB: ([^\n]*)$') AS r
    FROM tickets WHERE strpos(description, E'\n\nKB: ') > 0)
UPDATE tickets t SET
    assessment = t.assessment || jsonb_build_object('tried', to_jsonb(string_to_array(m.r[1], ', '))),
    description = regexp_replace(t.description, E'\n\nKB: [^\n]*$', '')
FROM m WHERE t.id = m.id AND m.r IS NOT NULL;

WITH m AS (
    SELECT id, regexp_match(description, E'\n\n\\[Cerca nelle guide\\] ([^\n]*)$') AS r
    FROM tickets WHERE strpos(description, E'\n\n[Cerca nelle guide] ') > 0)
UPDATE tickets t SET
    assessment = t.assessment || jsonb_build_object('query', m.r[1]),
    description = regexp_replace(t.description, E'\n\n\\[Cerca nelle guide\\] [^\n]*$', '')
FROM m WHERE t.id = m.id AND m.r IS NOT NULL;

-- +goose Down
-- The assessment goes back to the end of the description, as it was.
UPDATE tickets SET description = description
    || CASE WHEN assessment ? 'query' THEN E'\n\n[Cerca nelle guide] ' || (assessment->>'query') ELSE '' END
    || CASE WHEN assessment ? 'tried' THEN E'\n\nKB: ' || array_to_string(ARRAY(SELECT jsonb_array_elements_text(assessment->'tried')), ', ') ELSE '' END
    || CASE WHEN assessment ? 'urgency' THEN E'\n\nseverity: urgency=' || (assessment->>'urgency') || ' impact=' || (assessment->>'impact')
        || ' (' || array_to_string(ARRAY(SELECT jsonb_array_elements_text(coalesce(assessment->'why', '[]'))), '; ') || ')' ELSE '' END;
ALTER TABLE tickets DROP COLUMN assessment;
