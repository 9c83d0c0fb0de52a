// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/config"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

// TestChatAgainstTheDemoKnowledgeBase drives `helpdesk chat` as a newcomer
// would: greet, press a numbered button, ask a question in Italian, and
// get an answer from the demo knowledge base with its buttons.
func TestChatAgainstTheDemoKnowledgeBase(t *testing.T) {
	url := testdb.NewURL(t)
	in := strings.NewReader("buongiorno\n1\nil lettore della tessera sanitaria non la vede più\n")
	var out, errOut strings.Builder
	code := run(context.Background(), []string{"chat", "-as", "anna"}, in, &out, &errOut, []string{
		"DATABASE_URL=" + url, "HELPDESK_KB_CONTENT_DIR=../../content/kb",
	})
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"Chat con l'assistente", // welcome
		"[1] Cerca nelle guide", // numbered buttons of the greeting
		"Scrivi la domanda",     // button 1 pressed
		"Risolto",               // an answer with its feedback buttons
	} {
		if !strings.Contains(got, want) {
			t.Errorf("chat output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "smart card") && !strings.Contains(got, "CNS") && !strings.Contains(got, "Intendevi") {
		t.Errorf("the answer is not about the card reader:\n%s", got)
	}
}

// syncBuffer is an output both the chat and the test use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestChatPrintsTheAgentsReply: an agent answering from another process
// (the console of `helpdesk serve`, which has no terminal to print on)
// reaches the user of `helpdesk chat` as it arrives; the reply counts as
// the first response only once the chat printed it.
func TestChatPrintsTheAgentsReply(t *testing.T) {
	url := testdb.NewURL(t)
	environ := []string{"DATABASE_URL=" + url, "HELPDESK_KB_CONTENT_DIR=../../content/kb"}
	stdin, typing := io.Pipe()
	out := &syncBuffer{}
	var errOut strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"chat", "-as", "anna"}, stdin, out, &errOut, environ)
	}()
	if _, err := io.WriteString(typing, "voglio un operatore: la stampante del secondo piano non stampa da ieri\n"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the ticket's number in the chat", func() bool { return strings.Contains(out.String(), "HD-20") })

	// The desk's side, as `serve` runs it: same database, no terminal sender.
	ctx := testwait.Context(t)
	cfg, err := config.Load("", environ)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	desk, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), pool, nil, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	var agentID, convID int64
	if err := pool.GetContext(ctx, &agentID, `INSERT INTO users (username, display_name, role, presence) VALUES ('marco', 'Marco', 'agent_l1', 'online') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := pool.GetContext(ctx, &convID, `SELECT id FROM conversations WHERE channel = 'terminal' AND conversation_key = 'terminal:anna'`); err != nil {
		t.Fatal(err)
	}
	marco := bots.Agent{ID: agentID, Name: "Marco", Level: 1}
	if err := desk.engine.Take(ctx, convID, marco); err != nil && !errors.Is(err, bots.ErrNotDelivered) {
		t.Fatal(err)
	}
	err = desk.engine.Reply(ctx, convID, marco, "Buongiorno, ho riavviato lo spooler: riprovi ora.")
	if !errors.Is(err, bots.ErrNotDelivered) {
		t.Fatalf("the desk's own process cannot print on the terminal, yet Reply = %v", err)
	}
	testwait.For(t, "the agent's reply printed in the chat", func() bool { return strings.Contains(out.String(), "ho riavviato lo spooler") })
	if !strings.Contains(out.String(), "Marco (livello 1) è entrato") {
		t.Errorf("the join message was not printed:\n%s", out.String())
	}
	testwait.For(t, "the delivery recorded as the first response", func() bool {
		var answered bool
		if err := pool.GetContext(ctx, &answered, `SELECT first_response_at IS NOT NULL FROM tickets t JOIN conversations c ON c.ticket_id = t.id WHERE c.id = $1`, convID); err != nil {
			t.Fatal(err)
		}
		return answered
	})
	typing.Close()
	if code := testwait.Recv(t, "the chat to end", done); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}
