// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"testing"
	"time"

	"helpdesk/internal/testwait"
)

// The longer paths of the hot statement: a second person writing in an
// open conversation (a shared thread), a user whose name changed, and a
// redelivery of each — recorded once, answered once.
func TestOpenTurnLongerPaths(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	send := func(ext, user, name, text string) Result {
		t.Helper()
		res, err := h.engine.Handle(ctx, Inbound{Channel: "memory", ExternalID: ext, ConversationKey: "shared",
			User: User{ID: user, Name: name}, Text: text})
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		return res
	}
	first := send("s1", "u-anna", "Anna", "buongiorno")
	other := send("s2", "u-bruno", "Bruno", "buongiorno")
	renamed := send("s3", "u-anna", "Anna Rossi", "hello")
	if other.ConversationID != first.ConversationID || renamed.ConversationID != first.ConversationID {
		t.Fatalf("conversations %d, %d, %d: want one", first.ConversationID, other.ConversationID, renamed.ConversationID)
	}
	for _, r := range []Result{first, other, renamed} {
		if r.Duplicate || len(r.Replies) == 0 {
			t.Errorf("message not answered: %+v", r)
		}
	}
	for _, ext := range []string{"s2", "s3"} {
		if r := send(ext, map[string]string{"s2": "u-bruno", "s3": "u-anna"}[ext], "", "buongiorno"); !r.Duplicate || len(r.Replies) != 0 {
			t.Errorf("redelivery of %s: %+v", ext, r)
		}
	}
	var in int
	if err := h.db.GetContext(ctx, &in, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'in'`, first.ConversationID); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := h.db.GetContext(ctx, &name, `SELECT r.name FROM requester_identities i JOIN requesters r ON r.id = i.requester_id WHERE i.external_id = 'u-anna'`); err != nil {
		t.Fatal(err)
	}
	if in != 3 || name != "Anna Rossi" {
		t.Errorf("%d inbound messages (want 3), requester name %q (want the new one)", in, name)
	}
}

// The set-based statements of a group, driven directly: open-turns for
// four messages at once (a known user in an open conversation, a
// redelivery, a user nobody knows, a conversation not opened yet) answers
// each in its own row, in order; finish-turns for two conversations saves
// each, gives every reply its id in order, and tells only the
// conversation with an earlier unsent reply that it is behind.
func TestTurnsOfAGroup(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.say("u-a", "ka", "buongiorno")
	h.say("u-b", "kb", "buongiorno")
	a, b := h.conversation("ka"), h.conversation("kb")
	var redelivered string
	if err := h.db.GetContext(ctx, &redelivered, `SELECT external_id FROM messages WHERE conversation_id = $1 AND direction = 'in'`, b.ID); err != nil {
		t.Fatal(err)
	}
	// An earlier reply of b that never went out.
	if _, err := h.db.ExecContext(ctx, `INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, payload, created_at)
		VALUES ($1, 'memory', 'out:unsent', 'out', 'bot', 'prima', '{}', $2)`, b.ID, h.now); err != nil {
		t.Fatal(err)
	}
	msg := func(ext, user string) *Message {
		return &Message{Channel: "memory", ExternalID: ext, Direction: "in", Author: user, Body: "testo " + ext, CreatedAt: h.now}
	}
	args := []openArg{{m: msg("g1", "u-a"), key: "ka"}, {m: msg(redelivered, "u-b"), key: "kb"},
		{m: msg("g3", "u-nobody"), key: "kc"}, {m: msg("g4", "u-a"), key: "kd", lang: "en", now: h.now.Add(time.Minute)}}
	tx, err := h.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	opens, err := h.engine.store.openTurns(ctx, tx, args)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		requester, conversation, attempted, recorded bool
		conv                                         int64
	}
	got := make([]seen, len(opens))
	for i, o := range opens {
		got[i] = seen{o.requester != nil, o.conversation != nil, o.attempted, o.recorded, 0}
		if o.conversation != nil {
			got[i].conv = o.conversation.ID
		}
	}
	// The fourth (a known user, no conversation yet) opens one here.
	var opened int64
	if opens[3].conversation != nil {
		opened = opens[3].conversation.ID
	}
	want := []seen{{true, true, true, true, a.ID}, {true, true, true, false, b.ID}, {false, false, false, false, 0}, {true, true, true, true, opened}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("message %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if opened == 0 || opened == a.ID || opened == b.ID {
		t.Fatalf("conversation opened for kd: %d", opened)
	}
	if args[0].m.ID == 0 || args[1].m.ID != 0 || args[2].m.ID != 0 || args[3].m.ID == 0 {
		t.Errorf("message ids %d %d %d %d: want the first and the fourth recorded", args[0].m.ID, args[1].m.ID, args[2].m.ID, args[3].m.ID)
	}
	var kd struct {
		Key       string    `db:"conversation_key"`
		Requester int64     `db:"requester_id"`
		Lang      string    `db:"lang"`
		Created   time.Time `db:"created_at"`
		Events    int       `db:"events"`
		Messages  int       `db:"messages"`
	}
	if err := tx.GetContext(ctx, &kd, `SELECT conversation_key, requester_id, lang, created_at,
		(SELECT count(*) FROM conversation_events WHERE conversation_id = c.id AND kind = 'opened') AS events,
		(SELECT count(*) FROM messages WHERE conversation_id = c.id) AS messages
		FROM conversations c WHERE id = $1`, opened); err != nil {
		t.Fatal(err)
	}
	if kd.Key != "kd" || kd.Requester != *a.RequesterID || kd.Lang != "en" || !kd.Created.Equal(h.now.Add(time.Minute)) || kd.Events != 1 || kd.Messages != 1 {
		t.Errorf("the conversation opened: %+v; want kd of a's requester, in the profile's en, opened at the engine's clock, one event, one message", kd)
	}

	ca, cb := opens[0].conversation, opens[1].conversation
	ca.State, cb.Level = StateQueued, 2
	reply := func(ext, body string) *Message {
		return &Message{Channel: "memory", ExternalID: ext, Direction: "out", Author: "bot", Body: body}
	}
	fa := &finishArg{conv: ca, replies: []*Message{reply("out:g1:0", "uno"), reply("out:g1:1", "due")},
		events: []turnEvent{{"system", "state", "bot", "queued"}}}
	fb := &finishArg{conv: cb, replies: []*Message{reply("out:gb:0", "tre")}}
	if err := h.engine.store.finishTurns(ctx, tx, []*finishArg{fa, fb}); err != nil {
		t.Fatal(err)
	}
	if fa.behind || !fb.behind {
		t.Errorf("behind: a %v (want false), b %v (want true)", fa.behind, fb.behind)
	}
	for _, f := range []*finishArg{fa, fb} {
		for _, r := range f.replies {
			var row struct {
				Conv int64  `db:"conversation_id"`
				Ext  string `db:"external_id"`
			}
			if err := tx.GetContext(ctx, &row, `SELECT conversation_id, external_id FROM messages WHERE id = $1`, r.ID); err != nil {
				t.Fatalf("reply %s: id %d: %v", r.ExternalID, r.ID, err)
			}
			if row.Conv != f.conv.ID || row.Ext != r.ExternalID {
				t.Errorf("reply %s got id %d, which is %+v", r.ExternalID, r.ID, row)
			}
		}
	}
	var state string
	var level, events int
	if err := tx.GetContext(ctx, &state, `SELECT state FROM conversations WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.GetContext(ctx, &level, `SELECT level FROM conversations WHERE id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.GetContext(ctx, &events, `SELECT count(*) FROM conversation_events WHERE conversation_id = $1 AND kind = 'state' AND new_value = 'queued'`, a.ID); err != nil {
		t.Fatal(err)
	}
	if state != "queued" || level != 2 || events != 1 {
		t.Errorf("saved: a's state %q (want queued), b's level %d (want 2), a's queued events %d (want 1)", state, level, events)
	}
}

// Two first messages of one conversation at once (two instances, or a
// platform that sends twice fast): the first opens it; the second's
// insert waits for that transaction and skips, and its second run of
// open-turns finds the conversation the first opened and records the
// message there. One conversation, one "opened" event, both messages.
func TestOpenAloneRace(t *testing.T) {
	h := newHarness(t)
	ctx := testwait.Context(t)
	h.say("u-a", "ka", "buongiorno") // u-a is a known requester
	msg := func(ext string) *Message {
		return &Message{Channel: "memory", ExternalID: ext, Direction: "in", Author: "u-a", Body: "testo " + ext, CreatedAt: h.now}
	}
	tx1, err := h.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	first, err := h.engine.store.openAlone(ctx, tx1, openArg{m: msg("r1"), key: "kz", now: h.now})
	if err != nil || !first.recorded {
		t.Fatalf("first: %+v, %v", first, err)
	}
	var pid int
	if err := tx1.GetContext(ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	type result struct {
		o   opened
		err error
	}
	second := make(chan result, 1)
	go func() {
		tx2, err := h.db.BeginTxx(ctx, nil)
		if err != nil {
			second <- result{err: err}
			return
		}
		defer tx2.Rollback()
		o, err := h.engine.store.openAlone(ctx, tx2, openArg{m: msg("r2"), key: "kz", now: h.now})
		if err == nil {
			err = tx2.Commit()
		}
		second <- result{o, err}
	}()
	// The second waits for the first's uncommitted conversation.
	testwait.For(t, "the second message waiting for the first's transaction", func() bool {
		var n int
		if err := h.db.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid))`, pid); err != nil {
			t.Fatal(err)
		}
		return n == 1
	})
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	r := testwait.Recv(t, "the second message", second)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.o.conversation == nil || r.o.conversation.ID != first.conversation.ID || !r.o.recorded {
		t.Fatalf("second: %+v; want recorded in conversation %d", r.o, first.conversation.ID)
	}
	var convs, events, msgs int
	if err := h.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM conversations WHERE conversation_key = 'kz'),
		(SELECT count(*) FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id WHERE c.conversation_key = 'kz' AND e.kind = 'opened'),
		(SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.conversation_key = 'kz')`).Scan(&convs, &events, &msgs); err != nil {
		t.Fatal(err)
	}
	if convs != 1 || events != 1 || msgs != 2 {
		t.Errorf("%d conversations, %d opened events, %d messages; want 1, 1, 2", convs, events, msgs)
	}
}

// The hot statements are prepared at their first use, not in New: before
// a message nothing is prepared; after one, both are, and stay the same.
func TestHotStatementsPreparedAtFirstUse(t *testing.T) {
	h := newHarness(t)
	s := h.engine.store
	if s.openTurnsStmt.stmt != nil || s.finishTurnsStmt.stmt != nil {
		t.Fatal("hot statements prepared before any message")
	}
	h.say("u1", "c1", "buongiorno")
	o, f := s.openTurnsStmt.stmt, s.finishTurnsStmt.stmt
	if o == nil || f == nil {
		t.Fatalf("after a message: open-turns prepared %v, finish-turns prepared %v", o != nil, f != nil)
	}
	h.say("u1", "c1", "la stampante non stampa")
	if s.openTurnsStmt.stmt != o || s.finishTurnsStmt.stmt != f {
		t.Error("hot statements prepared again for a second message")
	}
}
