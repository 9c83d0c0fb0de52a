// SPDX-License-Identifier: EUPL-1.2

package db

import (
	"fmt"
	"strings"
)

// The personal data of the schema, classified next to the migrations
// that make the tables. Every text, JSON, array, bytea and inet column is
// listed once, in Erasure (it can hold a requester's personal data, and
// `helpdesk privacy erase` and the retention job clear it) or in Kept
// (with why it holds none of theirs). TestEveryColumnClassified reads
// information_schema and fails when a migration adds a column missing
// from both, so a new column cannot hold personal data unseen.

// ErasePlan is one table's part of a requester's erasure.
//
// Rows is a WHERE clause selecting the rows that belong to or mention the
// requester, with these parameters: $1 the requester's id, $2 the text
// identifiers to look for inside free text (lower case: name, e-mail,
// phone numbers, tax codes … see tickets.EraseRequester), $3 the marker
// that replaces erased text, $4 exact identifiers (channel user ids,
// conversation keys).
//
// Set lists column = SQL expression; a plan with Delete removes the rows
// instead (its Columns are what it removes). Aged, when set, selects rows
// older than the retention cut-off ($1), whose Set columns the daily
// retention masks (pii.Mask) rather than blanks.
type ErasePlan struct {
	Table   string
	Rows    string
	Set     [][2]string
	Delete  bool
	Columns []string // with Delete: the personal columns the rows take away
	Aged    string
	Why     string
}

// Personal returns the plan's personal columns.
func (p ErasePlan) Personal() []string {
	if p.Delete {
		return p.Columns
	}
	out := make([]string, len(p.Set))
	for i, s := range p.Set {
		out[i] = s[0]
	}
	return out
}

// SQL is the plan's statement. The WITH clause types the four
// parameters, which not every plan uses.
func (p ErasePlan) SQL() string {
	const params = "WITH params AS (SELECT $1::bigint, $2::text[], $3::text, $4::text[]) "
	if p.Delete {
		return params + "DELETE FROM " + p.Table + " WHERE " + p.Rows
	}
	sets := make([]string, len(p.Set))
	for i, s := range p.Set {
		sets[i] = s[0] + " = " + s[1]
	}
	return params + "UPDATE " + p.Table + " SET " + strings.Join(sets, ", ") + " WHERE " + p.Rows
}

// mentions is true when the column's text contains one of the
// identifiers ($2), compared in lower case, and for identifiers made of
// digits (phone numbers) also with the text's separators removed.
func mentions(col string) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM unnest($2::text[]) AS i(v) WHERE strpos(lower(%[1]s::text), i.v) > 0
		OR (i.v ~ '^[0-9]{8,}$' AND strpos(regexp_replace(%[1]s::text, '[^0-9]', '', 'g'), i.v) > 0))`, col)
}

// Rows of the requester's own tickets and conversations.
const (
	ownTickets = `(SELECT id FROM tickets WHERE requester_id = $1)`
	ownConvs   = `(SELECT id FROM conversations WHERE requester_id = $1 OR conversation_key = ANY($4::text[]))`
)

// keepEnum keeps an event's value when it is one of the desk's own words
// (a state, a priority, a level, an agent's id) and blanks free text.
func keepEnum(col string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s = '' OR (%[1]s ~ '^([a-z_]{1,24}|P[1-4]|[0-9]{1,12})$' AND NOT %[2]s) THEN %[1]s ELSE $3 END`, col, mentions(col))
}

// actor keeps the desk's actors (user:…, agent:…, api:…, bot, system) and
// replaces any other (a requester's address or id) with "requester".
func actor(col string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s ~ '^(user|agent|api|admin|system|bot|console|triage)(:|$)' AND NOT %[2]s THEN %[1]s ELSE 'requester' END`, col, mentions(col))
}

// Erasure is the list `privacy erase` walks, in order: what finds rows by
// a conversation's key runs before the keys are erased, the requester's
// identities go last.
var Erasure = []ErasePlan{
	{Table: "tickets", Rows: `requester_id = $1`,
		Set: [][2]string{{"subject", "$3"}, {"description", "''"}, {"product", "''"}, {"external_email", "''"}, {"closure_note", "''"},
			// The bot's assessment keeps its levels and confidence; the
			// query and the words it cites are the requester's.
			{"assessment", "assessment - 'query' - 'why'"}},
		Why: "the requester's words and addresses; the number, states, times, priority and category stay for the statistics"},
	{Table: "ticket_comments", Rows: `ticket_id IN ` + ownTickets + ` OR ` + mentions("body"),
		Set: [][2]string{{"body", "$3"}, {"author", actor("author")}}},
	{Table: "ticket_events", Rows: `ticket_id IN ` + ownTickets + ` OR ` + mentions("old_value") + ` OR ` + mentions("new_value"),
		Set: [][2]string{{"old_value", keepEnum("old_value")}, {"new_value", keepEnum("new_value")}, {"actor", actor("actor")}}},
	{Table: "ticket_attachments", Rows: `ticket_id IN ` + ownTickets,
		Set: [][2]string{{"filename", "$3"}}, Why: "the file name may name the person (the file itself lives outside the database)"},
	{Table: "tracking_tokens", Rows: `ticket_id IN ` + ownTickets, Delete: true, Columns: []string{"token_hash"},
		Why: "the requester's tracking link stops working"},
	{Table: "notifications", Rows: `ticket_id IN ` + ownTickets + ` OR ` + mentions("body"), Set: [][2]string{{"body", "$3"}}},
	{Table: "messages", Rows: `conversation_id IN ` + ownConvs + ` OR (direction = 'in' AND author = ANY($4::text[])) OR ` + mentions("body"),
		Set: [][2]string{{"body", "$3"}, {"payload", "'{}'"}, {"send_error", "''"},
			{"author", `CASE WHEN direction = 'in' THEN 'requester' ELSE author END`},
			{"external_id", `'erased:' || id`}},
		Why: "also the person's messages in a conversation filed under someone else (a group chat)"},
	{Table: "conversation_summaries", Rows: `conversation_id IN ` + ownConvs + ` OR ` + mentions("body"),
		Set: [][2]string{{"body", "$3"}, {"created_by", actor("created_by")}}},
	{Table: "conversation_events", Rows: `conversation_id IN ` + ownConvs + ` OR ` + mentions("old_value") + ` OR ` + mentions("new_value"),
		Set: [][2]string{{"old_value", keepEnum("old_value")}, {"new_value", keepEnum("new_value")}, {"actor", actor("actor")}}},
	{Table: "kb_searches", Rows: mentions("query"), Set: [][2]string{{"query", "$3"}}, Aged: "at < $1",
		Why: "the bot logs whole messages as queries; the count of searches stays"},
	{Table: "kb_confirmations", Rows: `who = ANY($4::text[]) OR ` + mentions("query"), Delete: true, Columns: []string{"query", "phrasing", "who"},
		Why: "a confirmation keeps who confirmed and their words (already masked)"},
	{Table: "kb_learned_phrasings", Rows: mentions("query"), Delete: true, Columns: []string{"query", "phrasing"},
		Why: "a phrasing learned from users' words that names the person"},
	{Table: "kb_entries", Rows: mentions("learned"), Set: [][2]string{{"learned", `ARRAY(SELECT p.query FROM kb_learned_phrasings p WHERE p.entry_slug = slug AND p.status IN ('learned', 'accepted') AND NOT ` + mentions("p.query") + `)`}},
		Why: "the learned phrasings in use are rebuilt without the ones that name the person"},
	{Table: "severity_labels", Rows: `ticket_id IN ` + ownTickets + ` OR ` + mentions("text"), Set: [][2]string{{"text", "$3"}}, Aged: "at < $1",
		Why: "an agent's correction keeps the ticket's text for retraining"},
	{Table: "severity_models", Rows: mentions("labels"),
		Set: [][2]string{{"labels", `(SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM jsonb_array_elements(labels) AS e WHERE NOT ` + mentions("e") + `)`}},
		Why: "a model version keeps the labels it was trained on"},
	{Table: "public_rate_events", Rows: `key = ANY($4::text[]) OR ` + mentions("key"), Delete: true, Columns: []string{"key"}},
	{Table: "webhook_deliveries", Rows: mentions("payload") + ` OR (source = 'ticket' AND payload->'ticket'->>'number' IN (SELECT number FROM tickets WHERE requester_id = $1))` +
		` OR (source = 'conversation' AND (payload->'conversation'->>'id') IN (SELECT id::text FROM conversations WHERE requester_id = $1 OR conversation_key = ANY($4::text[])))`,
		Set:  [][2]string{{"payload", `jsonb_build_object('event_id', payload->'event_id', 'kind', payload->'kind', 'erased', true)`}, {"last_error", "''"}},
		Aged: "created_at < $1", Why: "copies of tickets' subjects and products sent to integrations"},
	{Table: "river_job", Rows: `finalized_at IS NOT NULL AND (` + mentions("args") + ` OR ` + mentions("errors") + ` OR ` + mentions("metadata") + `)`,
		Delete: true, Columns: []string{"args", "errors", "metadata"}, Why: "finished jobs whose arguments or errors name the person"},
	{Table: "river_notification", Rows: mentions("payload"), Delete: true, Columns: []string{"payload"}},
	{Table: "conversations", Rows: `id IN ` + ownConvs,
		Set: [][2]string{{"conversation_key", `'erased:' || id`}, {"context", "'{}'"}}},
	{Table: "requesters", Rows: `id = $1`, Set: [][2]string{{"name", "''"}, {"email", "''"}}},
	{Table: "requester_identities", Rows: `requester_id = $1`, Delete: true, Columns: []string{"channel", "external_id"}},
}

// Kept are the columns that hold none of a requester's personal data,
// with why. Console users' own data (staff: names, e-mails, sign-in
// records) is personal data too, managed through `helpdesk users`, and
// is listed here as staff: a requester's erasure leaves it.
var Kept = map[string]string{
	"anonymised.kind": "a word", "privacy_actions.actor": "staff", "privacy_actions.action": "a word",
	"privacy_actions.detail": "counts of what an erasure changed",
	"api_tokens.name":        "an integration's name", "api_tokens.scopes": "words", "api_tokens.token_hash": "a hash",
	"calendar_hashes.name": "a calendar's name", "calendar_hashes.hash": "a hash of opening hours",
	"canned_responses.lang": "a word", "canned_responses.title": "desk content", "canned_responses.body": "desk content",
	"canned_responses.created_by": "staff",
	"console_sessions.token_hash": "a hash", "console_sessions.csrf_token": "a random token",
	"console_sessions.remote_addr": "staff", "console_sessions.user_agent": "staff",
	"conversation_events.kind": "a word", "conversation_summaries.lang": "a word",
	"conversations.channel": "a word", "conversations.lang": "a word", "conversations.state": "a word",
	"kb_answers.entry_slug": "an entry", "kb_answers.channel": "a word",
	"kb_embeddings.model": "a model's name", "kb_embeddings.embedding": "numbers of an entry's text",
	"kb_entries.slug": "KB content", "kb_entries.kind": "KB content", "kb_entries.lang": "KB content",
	"kb_entries.translation_of": "KB content", "kb_entries.title": "KB content", "kb_entries.questions": "KB content",
	"kb_entries.body": "KB content", "kb_entries.category": "KB content", "kb_entries.tags": "KB content",
	"kb_entries.product": "KB content", "kb_entries.audience": "KB content", "kb_entries.status": "KB content",
	"kb_entries.media": "KB content", "kb_entries.anchor": "KB content",
	"kb_revisions.author": "staff", "kb_revisions.note": "editor's note", "kb_revisions.changed": "field names",
	"kb_revisions.content": "KB content",
	"kb_searches.lang":     "a word", "kb_searches.audience": "a word", "kb_searches.channel": "a word", "kb_searches.top_entry": "an entry",
	"severity_labels.lang": "a word", "severity_labels.urgency": "a word", "severity_labels.impact": "a word",
	"severity_labels.type": "a word", "severity_labels.who": "staff",
	"severity_models.created_by": "staff", "severity_models.figures": "numbers",
	"kb_confirmations.lang": "a word", "kb_confirmations.entry_slug": "an entry", "kb_confirmations.source": "a word",
	"kb_learned_phrasings.entry_slug": "an entry", "kb_learned_phrasings.lang": "a word", "kb_learned_phrasings.status": "a word",
	"kb_learned_phrasings.decided_by": "staff",
	"kb_synonyms.lang":                "a word", "kb_synonyms.terms": "vocabulary",
	"login_attempts.username": "staff", "login_attempts.remote_addr": "staff",
	"messages.channel": "a word", "messages.direction": "a word",
	"notifications.role": "a word", "notifications.kind": "a word",
	"public_rate_events.bucket": "a word",
	"river_job.attempted_by":    "a host name", "river_job.kind": "a word", "river_job.queue": "a word",
	"river_job.tags": "words", "river_job.unique_key": "a hash of ids",
	"river_leader.leader_id": "a host name", "river_leader.name": "a word", "river_migration.line": "a word",
	"river_notification.topic": "a word", "river_queue.name": "a word", "river_queue.metadata": "queue settings",
	"sla_events.target": "a word", "sla_events.kind": "a word",
	"sla_policies.priority": "a word", "sla_policies.category": "a category", "sla_policies.product": "a product",
	"sla_policies.on_breach": "words",
	"telegram_callbacks.key": "a random key", "telegram_callbacks.action": "a button's action",
	"mattermost_cursors.server": "the desk's Mattermost URL", "mattermost_cursors.channel_type": "a letter (D, O, P)",
	"mattermost_cursors.channel_id":   "an opaque id Mattermost chose: it names no person, and erasing it would only make a restart skip that channel's missed posts",
	"telegram_reply_parts.reply_id":   "ids",
	"ticket_attachments.content_type": "a MIME type", "ticket_attachments.storage_key": "a content hash",
	"ticket_attachments.sha256":   "a content hash",
	"ticket_checklist_steps.text": "desk procedure", "ticket_checklist_steps.done_by": "staff",
	"ticket_checklists.source": "desk procedure", "ticket_checklists.title": "desk procedure",
	"ticket_checklists.attached_by": "staff",
	"ticket_events.kind":            "a word", "ticket_events.field": "a field name",
	"tickets.number":         "the ticket's reference: kept so the desk's work and the statistics stay countable",
	"tickets.origin_channel": "a word", "tickets.type": "a word", "tickets.category": "the desk's category",
	"tickets.urgency": "a word", "tickets.impact": "a word", "tickets.priority": "a word",
	"tickets.group_name": "a support group", "tickets.external_org": "the organisation a ticket was routed to",
	"tickets.state": "a word", "tickets.closure_code": "a word",
	"triage_cards.platform": "a word", "triage_cards.channel_id": "the agents' channel", "triage_cards.thread_id": "a thread id in the agents' channel",
	"triage_events.platform": "a word", "triage_events.event_id": "a platform event id",
	"users.username": "staff", "users.display_name": "staff", "users.email": "staff", "users.lang": "staff",
	"users.role": "staff", "users.password_hash": "staff", "users.presence": "staff",
	"users.slack_user_id": "staff", "users.mattermost_user_id": "staff",
	"webhook_cursor.name": "a word", "webhook_deliveries.source": "a word", "webhook_deliveries.kind": "a word",
	"webhook_deliveries.status": "a word",
	"webhook_subscriptions.url": "an integration's address", "webhook_subscriptions.secret": "a secret key",
	"webhook_subscriptions.kinds": "words",
	"requesters.lang":             "a word", "river_job.state": "a word",
}
