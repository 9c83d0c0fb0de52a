// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

func TestRetentionMasksOldDataAndKeepsReports(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Rome")
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, loc)
	s, _ := tickets.NewStore(tickets.Options{Now: func() time.Time { return now }, Location: loc})
	old, err := s.EnsureRequester(ctx, pool, tickets.Identity{Channel: "email", ExternalID: "anna@studio.example", Name: "Anna Neri", Email: "anna@studio.example"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := s.Create(ctx, pool, "email", tickets.NewTicket{RequesterID: &old, OriginChannel: "email", Subject: "Richiamatemi al 333 1234567",
		Description: "Sono Anna, CF NRENNA80A41H501X, scrivete a anna@studio.example"})
	if err != nil {
		t.Fatal(err)
	}
	s.AddComment(ctx, pool, tk.ID, "agent:1", true, "Le scriviamo a anna@studio.example")
	s.Resolve(ctx, pool, tk.ID, "agent:1", "fixed", "")
	s.Transition(ctx, pool, tk.ID, "system", tickets.StateClosed)
	var convID int64
	if err := pool.Get(&convID, `INSERT INTO conversations (channel, conversation_key, requester_id, state, created_at, updated_at, last_message_at)
		VALUES ('telegram', '42', $1, 'closed', $2, $2, $2) RETURNING id`, old, now); err != nil {
		t.Fatal(err)
	}
	pool.Exec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at) VALUES ($1, 'telegram', 'm1', 'in', '42', 'il mio numero è 06 98765432', $2)`, convID, now)

	// Two years later, a recent requester too.
	now = now.AddDate(2, 0, 0)
	recent, err := s.EnsureRequester(ctx, pool, tickets.Identity{Channel: "web", ExternalID: "luca@example.org", Name: "Luca", Email: "luca@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.Create(ctx, pool, "web", tickets.NewTicket{RequesterID: &recent, OriginChannel: "web", Subject: "scrivete a luca@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScanSLA(ctx, pool, tickets.DefaultBusinessCalendar(), now); err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, loc), time.Date(2028, 1, 1, 0, 0, 0, 0, loc)
	before, err := s.Report(ctx, pool, from, to)
	if err != nil {
		t.Fatal(err)
	}

	res, err := s.ApplyRetention(ctx, pool, now.AddDate(-1, 0, 0), convs(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Tickets != 1 || res.Conversations != 1 || res.Requesters != 1 {
		t.Fatalf("retention = %+v, want 1/1/1", res)
	}
	got, err := s.Get(ctx, pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"333 1234567", "NRENNA80A41H501X", "anna@studio.example"} {
		if strings.Contains(got.Subject+got.Description, leak) {
			t.Errorf("ticket still holds %q: %q / %q", leak, got.Subject, got.Description)
		}
	}
	cs, err := s.Comments(ctx, pool, tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cs[0].Body, "@") {
		t.Errorf("comment not masked: %q", cs[0].Body)
	}
	var body string
	if err := pool.Get(&body, `SELECT body FROM messages WHERE conversation_id = $1`, convID); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, "98765432") {
		t.Errorf("message not masked: %q", body)
	}
	r, err := s.GetRequester(ctx, pool, old)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "" || r.Email != "" {
		t.Errorf("old requester kept %+v", r)
	}
	f, err := s.Get(ctx, pool, fresh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Subject, "luca@example.org") {
		t.Errorf("recent ticket touched: %q", f.Subject)
	}
	after, err := s.Report(ctx, pool, from, to)
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Fatalf("report changed by anonymisation:\n%s\n%s", b1, b2)
	}
	// A second run finds nothing new.
	if res, err := s.ApplyRetention(ctx, pool, now.AddDate(-1, 0, 0), convs(t)); err != nil || res != (tickets.RetentionResult{}) {
		t.Fatalf("second run = %+v (%v)", res, err)
	}
}

func TestExportAndEraseRequester(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	s, _ := tickets.NewStore(tickets.Options{})
	rid, err := s.EnsureRequester(ctx, pool, tickets.Identity{Channel: "telegram", ExternalID: "77", Name: "Giulia Blu", Email: "giulia@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := s.Create(ctx, pool, "bot", tickets.NewTicket{RequesterID: &rid, OriginChannel: "telegram", Subject: "La VPN non va", Description: "Sono Giulia Blu"})
	if err != nil {
		t.Fatal(err)
	}
	s.AddComment(ctx, pool, tk.ID, "agent:1", true, "Buongiorno Giulia")
	s.AddComment(ctx, pool, tk.ID, "agent:1", false, "nota interna")

	exp, err := s.ExportRequester(ctx, pool, rid, "admin:1")
	if err != nil {
		t.Fatal(err)
	}
	if exp.Requester.Email != "giulia@example.org" || len(exp.Tickets) != 1 || len(exp.Tickets[0].Comments) != 1 || len(exp.Identities) != 1 {
		t.Fatalf("export = %+v", exp)
	}
	if err := s.EraseRequester(ctx, pool, rid, "admin:1"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.Subject+got.Description, "Giulia") || got.Priority == "" || got.Number != tk.Number {
		t.Fatalf("after erasure: %+v", got)
	}
	var actions []string
	if err := pool.Select(&actions, `SELECT action FROM privacy_actions WHERE requester_id = $1 ORDER BY id`, rid); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "export,erase" {
		t.Fatalf("audit = %v", actions)
	}
	var identities int
	if err := pool.Get(&identities, `SELECT count(*) FROM requester_identities WHERE requester_id = $1`, rid); err != nil {
		t.Fatal(err)
	}
	if identities != 0 {
		t.Fatal("identities kept after erasure")
	}
	// The log stays append-only outside erasure.
	if _, err := pool.Exec(`UPDATE ticket_events SET actor = 'x' WHERE ticket_id = $1`, tk.ID); err == nil {
		t.Fatal("ticket_events accepted an update outside a privacy transaction")
	}
}

func TestTicketViewsAreRecorded(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	s, _ := tickets.NewStore(tickets.Options{})
	tk, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var uid int64
	if err := pool.Get(&uid, `INSERT INTO users (username, display_name, role) VALUES ('m', 'M', 'agent_l1') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	s.RecordView(ctx, pool, uid, tk.ID)
	vs, err := s.Viewers(ctx, pool, tk.ID, 10)
	if err != nil || len(vs) != 1 || vs[0].UserID != uid {
		t.Fatalf("viewers = %+v, %v", vs, err)
	}
}

// convs is the conversations' owner the retention masks them through, as
// cmd/helpdesk wires it.
func convs(t *testing.T) tickets.ConversationMasker {
	t.Helper()
	s, err := bots.NewStore()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRetentionNeedsAConversationMasker(t *testing.T) {
	s, err := tickets.NewStore(tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyRetention(t.Context(), testdb.New(t), time.Now(), nil); err == nil {
		t.Error("retention ran without a way to mask conversations")
	}
}
