// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/testdb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

var update = flag.Bool("update", false, "rewrite golden transcripts")

// fakeKnowledge is a hand-written stand-in for the knowledge base with a
// few entries and word-overlap scoring, so that transcripts do not change
// when the real search is tuned. The real KB is exercised end to end in
// cmd/helpdesk's tests.
type fakeKnowledge struct {
	mu       sync.Mutex
	entries  []Answer
	keywords map[string][]string
	feedback []string
	shown    []string
	queries  []string
}

func newFakeKnowledge() *fakeKnowledge {
	return &fakeKnowledge{
		entries: []Answer{
			{EntryID: "cns-lettore", Title: "Il lettore non riconosce la smart card", Text: "Scollega e ricollega il lettore, poi reinstalla il driver.", URL: "http://hd.test/kb/cns-lettore", Product: "Smart card CNS"},
			{EntryID: "vpn-connessione", Title: "La VPN non si connette", Text: "Controlla la connessione a internet e riavvia il client VPN.", Product: "VPN regionale"},
			{EntryID: "vpn-password", Title: "Password della VPN scaduta", Text: "Cambia la password dal portale self-service.", Product: "VPN regionale"},
			{EntryID: "printer-en", Title: "The printer does not print", Text: "Check the queue and restart the printer.", Product: "Network printers"},
		},
		keywords: map[string][]string{
			"cns-lettore":     {"smart", "card", "lettore", "cns", "tessera"},
			"vpn-connessione": {"vpn", "connette", "collegare"},
			"vpn-password":    {"vpn", "password"},
			"printer-en":      {"printer", "print", "printing"},
		},
	}
}

func (k *fakeKnowledge) searches() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.queries...)
}

func (k *fakeKnowledge) Search(_ context.Context, q, lang, channel string) ([]Answer, error) {
	k.mu.Lock()
	k.queries = append(k.queries, q)
	k.mu.Unlock()
	words := strings.Fields(strings.ToLower(q))
	var out []Answer
	for _, e := range k.entries {
		hits := 0
		for _, kw := range k.keywords[e.EntryID] {
			for _, w := range words {
				if strings.Trim(w, ".,?!") == kw {
					hits++
				}
			}
		}
		if hits > 0 {
			a := e
			a.Confidence = min(1, 0.35+0.25*float64(hits))
			out = append(out, a)
		}
	}
	// best first
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Confidence > out[i].Confidence {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out, nil
}

func (k *fakeKnowledge) Entry(_ context.Context, id, _ string) (Answer, error) {
	for _, e := range k.entries {
		if e.EntryID == id {
			return e, nil
		}
	}
	return Answer{}, fmt.Errorf("no entry %s", id)
}

// ProductIn names the product of the entries whose keywords the text
// has, when they agree (the real one reads products and tags of the KB).
func (k *fakeKnowledge) ProductIn(_ context.Context, text, lang string) (string, error) {
	found := ""
	for _, w := range strings.Fields(strings.ToLower(text)) {
		for _, e := range k.entries {
			for _, kw := range k.keywords[e.EntryID] {
				if strings.Trim(w, ".,?!:") == kw {
					if found != "" && found != e.Product {
						return "", nil
					}
					found = e.Product
				}
			}
		}
	}
	return found, nil
}

func (k *fakeKnowledge) Shown(_ context.Context, a Answer, channel string) (int64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.shown = append(k.shown, a.EntryID)
	return int64(len(k.shown)), nil
}

func (k *fakeKnowledge) Rate(_ context.Context, ref int64, helpful bool) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.feedback = append(k.feedback, fmt.Sprintf("%s:%v", k.shown[ref-1], helpful))
	return nil
}

type harness struct {
	t       *testing.T
	db      *sqlx.DB
	engine  *Engine
	tickets *tickets.Store
	mem     *Memory
	kb      *fakeKnowledge
	now     time.Time
	seq     int
}

var (
	modelOnce sync.Once
	model     *nlp.SeverityModel
)

func severityModel(t testing.TB) *nlp.SeverityModel {
	modelOnce.Do(func() {
		var err error
		model, err = nlp.NewSeverityModel()
		if err != nil {
			t.Fatal(err)
		}
	})
	return model
}

// A Tuesday morning, desk open.
var tuesdayMorning = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CET", 3600))

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, db: testdb.New(t), mem: NewMemory(), kb: newFakeKnowledge(), now: tuesdayMorning}
	cal := tickets.DefaultBusinessCalendar()
	ts, err := tickets.NewStore(tickets.Options{Now: func() time.Time { return h.now }, Location: cal.Location()})
	if err != nil {
		t.Fatal(err)
	}
	h.tickets = ts
	h.engine, err = New(Options{
		DB: h.db, Tickets: ts, Knowledge: h.kb, Severity: severityModel(t), Calendar: cal,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return h.now },
		BaseURL: "http://hd.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.RegisterSender("memory", h.mem)
	return h
}

// say sends a text (or, as "[action]", a button press) from user on
// conversation key and returns the transcript lines of the bot's replies.
func (h *harness) say(user, key, msg string) (Result, []string) {
	h.t.Helper()
	h.seq++
	in := Inbound{Channel: "memory", ExternalID: fmt.Sprintf("m%d", h.seq), ConversationKey: key,
		User: User{ID: user, Name: "Anna Rossi"}}
	if strings.HasPrefix(msg, "[") && strings.HasSuffix(msg, "]") {
		in.Action = h.press(key, strings.Trim(msg, "[]"))
	} else {
		in.Text = msg
	}
	res, err := h.engine.Handle(context.Background(), in)
	if err != nil {
		h.t.Fatalf("Handle(%q): %v", msg, err)
	}
	var lines []string
	for _, r := range res.Replies {
		lines = append(lines, render(r.Reply)...)
	}
	return res, lines
}

// press returns what a press of the button with action sends: the
// numbered action of the buttons last sent to the conversation, or the
// bare action (a channel command) when none of them has it.
func (h *harness) press(key, action string) string {
	rs := h.mem.Replies(key)
	for i := len(rs) - 1; i >= 0; i-- {
		if len(rs[i].Buttons) == 0 {
			continue
		}
		for _, b := range rs[i].Buttons {
			if ActionOf(b.Action) == action {
				return b.Action
			}
		}
		break
	}
	return action
}

func render(r Reply) []string {
	var lines []string
	for _, l := range strings.Split(r.Text, "\n") {
		lines = append(lines, "< "+l)
	}
	for _, b := range r.Buttons {
		lines = append(lines, fmt.Sprintf("  [%s] %s", ActionOf(b.Action), b.Label))
	}
	for _, l := range r.Links {
		lines = append(lines, fmt.Sprintf("  (%s) %s", l.Label, l.URL))
	}
	return lines
}

// transcript plays msgs and compares the whole exchange with a golden file.
func (h *harness) transcript(name, user, key string, msgs ...string) {
	h.t.Helper()
	var b strings.Builder
	for _, m := range msgs {
		_, lines := h.say(user, key, m)
		b.WriteString("> " + m + "\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	golden(h.t, name, b.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "transcripts", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("transcript %s differs from %s:\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}
