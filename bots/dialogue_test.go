// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestTranscriptGreetingItalian(t *testing.T) {
	h := newHarness(t)
	h.transcript("greeting_it", "u1", "c1", "Buongiorno", "[menu:faq]")
}

func TestTranscriptAnswerSolvedItalian(t *testing.T) {
	h := newHarness(t)
	h.transcript("answer_solved_it", "u1", "c1",
		"il lettore non legge la smart card", "[fb:yes]")
	if len(h.kb.feedback) != 1 || h.kb.feedback[0] != "cns-lettore:true" {
		t.Fatalf("feedback = %v", h.kb.feedback)
	}
}

func TestTranscriptDidYouMean(t *testing.T) {
	h := newHarness(t)
	h.transcript("did_you_mean_it", "u3", "c3", "problema con la vpn", "[pick:vpn-password]", "no")
}

func TestTranscriptNoConfidentAnswer(t *testing.T) {
	h := newHarness(t)
	h.transcript("no_answer_it", "u4", "c4", "il gestionale delle presenze mostra un errore 500 quando salvo", "[pick-none]", "Presenze", "anna.rossi@example.org")
}

func TestTranscriptAsksForHuman(t *testing.T) {
	h := newHarness(t)
	h.transcript("human_it", "u5", "c5", "voglio parlare con un operatore", "Da stamattina il programma di cartella clinica si chiude da solo quando apro un paziente", "stato", "grazie")
}

func TestRedeliveredMessageGetsOneReply(t *testing.T) {
	h := newHarness(t)
	in := Inbound{Channel: "memory", ExternalID: "evt-1", ConversationKey: "c11", User: User{ID: "u11"}, Text: "ciao"}
	first, err := h.engine.Handle(context.Background(), in)
	if err != nil || first.Duplicate || len(first.Replies) != 1 {
		t.Fatalf("first delivery: %+v, %v", first, err)
	}
	for i := 0; i < 2; i++ {
		again, err := h.engine.Handle(context.Background(), in)
		if err != nil || !again.Duplicate || len(again.Replies) != 0 {
			t.Fatalf("redelivery: %+v, %v", again, err)
		}
	}
	if got := len(h.mem.Replies("c11")); got != 1 {
		t.Fatalf("%d replies sent, want 1", got)
	}
}

type fakeComposer struct {
	text  string
	cited []string
	err   error
}

func (f fakeComposer) Compose(_ context.Context, q, lang string, sources []Answer) (string, []string, error) {
	return f.text, f.cited, f.err
}

func TestComposedAnswerOnlyWhenGrounded(t *testing.T) {
	tests := []struct {
		name     string
		composer fakeComposer
		want     string
	}{
		{"grounded", fakeComposer{text: "Ricollega il lettore e reinstalla il driver [cns-lettore].", cited: []string{"cns-lettore"}}, "Ricollega il lettore e reinstalla il driver [cns-lettore]."},
		{"cites nothing", fakeComposer{text: "Prova a spegnere e riaccendere."}, "Scollega e ricollega il lettore, poi reinstalla il driver."},
		{"cites an entry it was not given", fakeComposer{text: "Vedi la guida interna.", cited: []string{"procedura-interna"}}, "Scollega e ricollega il lettore, poi reinstalla il driver."},
		{"model down", fakeComposer{err: errors.New("timeout")}, "Scollega e ricollega il lettore, poi reinstalla il driver."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.engine.opt.Composer = tt.composer
			res, _ := h.say("u", "c", "il lettore non legge la smart card")
			if len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, tt.want) {
				t.Fatalf("reply %q, want it to contain %q", res.Replies[0].Text, tt.want)
			}
		})
	}
}

// confirmingKnowledge is the fake knowledge base that also takes
// confirmations, and notes for each whether the message's transaction had
// committed (its "solved_by_bot" event visible from another connection)
// and how many replies the conversation had been sent by then.
type confirmingKnowledge struct {
	*fakeKnowledge
	h         *harness
	confirmed []string
	committed []bool
	sent      []int
}

func (k *confirmingKnowledge) Confirm(ctx context.Context, query, lang, entry, who string) error {
	var n int
	if err := k.h.db.GetContext(ctx, &n, `SELECT count(*) FROM conversation_events WHERE kind = 'solved_by_bot' AND new_value = $1`, entry); err != nil {
		return err
	}
	k.confirmed = append(k.confirmed, query+"|"+lang+"|"+entry+"|"+who)
	k.committed = append(k.committed, n > 0)
	k.sent = append(k.sent, len(k.h.mem.Replies("c1")))
	return nil
}

// "Risolto" confirms the entry for the user's words once, after the
// message's transaction committed: the confirmation commits on its own,
// so inside the transaction a try rolled back would leave it behind.
func TestSolvedConfirmsAfterCommit(t *testing.T) {
	h := newHarness(t)
	k := &confirmingKnowledge{fakeKnowledge: h.kb, h: h}
	h.engine.opt.Knowledge = k
	h.say("u1", "c1", "il lettore non legge la smart card")
	before := len(h.mem.Replies("c1"))
	h.say("u1", "c1", "[fb:yes]")
	want := "il lettore non legge la smart card|it|cns-lettore|u1"
	if len(k.confirmed) != 1 || k.confirmed[0] != want {
		t.Fatalf("confirmations %q, want one: %q", k.confirmed, want)
	}
	if !k.committed[0] {
		t.Error("the confirmation was made before the message's transaction committed")
	}
	// Before the "thanks": whoever reads it (a test, the user's next
	// message) finds the confirmation recorded.
	if k.sent[0] != before {
		t.Errorf("the confirmation was made after %d more replies were sent, want before them", k.sent[0]-before)
	}
	if after := len(h.mem.Replies("c1")); after <= before {
		t.Errorf("no reply to Risolto (replies %d → %d)", before, after)
	}
}

// A message tried twice — its first try rolled back, as when a language
// model is asked between tries — searches the knowledge base
// and records the answer shown once, and its reply points at that record.
func TestTriedTwiceLogsOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.say("u1", "c1", "buongiorno")
	in := Inbound{Channel: "memory", ExternalID: "q1", ConversationKey: "c1", User: User{ID: "u1", Name: "Anna Rossi"},
		Text: "il lettore non legge la smart card", At: h.now}
	msg := &Message{Channel: in.Channel, ExternalID: in.ExternalID, Direction: "in", Author: in.User.ID, Body: in.Text,
		Payload: []byte(`{}`), CreatedAt: in.At}
	m := newMemo()
	before := len(h.kb.searches())
	try := func(commit bool) {
		t.Helper()
		tx, err := h.db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		opens, err := h.engine.store.openTurns(ctx, tx, []openArg{{m: msg, key: in.ConversationKey}})
		if err != nil {
			t.Fatal(err)
		}
		_, fin, err := h.engine.handleTx(ctx, tx, in, m, msg, opens[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := h.engine.store.finishTurns(ctx, tx, []*finishArg{fin}); err != nil {
			t.Fatal(err)
		}
		if commit {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
	try(false)
	try(true)
	if n := len(h.kb.searches()) - before; n != 1 {
		t.Errorf("%d searches for one message, want 1", n)
	}
	if len(h.kb.shown) != 1 {
		t.Errorf("answers recorded as shown: %v, want one", h.kb.shown)
	}
	var ref int64
	if err := h.db.GetContext(ctx, &ref, `SELECT (context->>'shown_ref')::bigint FROM conversations WHERE conversation_key = 'c1'`); err != nil {
		t.Fatal(err)
	}
	if ref != 1 {
		t.Errorf("the conversation points at shown answer %d, want 1 (the one recorded)", ref)
	}
}
