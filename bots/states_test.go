// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"helpdesk/tickets"
)

// stateSetups bring a fresh conversation (user, key) into each state the
// dialogue has; each returns after the bot's last reply of the set-up.
var stateSetups = []struct {
	name  string
	setup func(h *harness, user, key string)
}{
	{"bot/menu", func(h *harness, u, k string) { h.say(u, k, "buongiorno") }},
	{"bot/feedback", func(h *harness, u, k string) { h.say(u, k, "il lettore non legge la smart card") }},
	{"bot/choose", func(h *harness, u, k string) { h.say(u, k, "problema con la vpn") }},
	{"bot/describe", func(h *harness, u, k string) { h.say(u, k, "vorrei aprire una segnalazione") }},
	{"bot/product", func(h *harness, u, k string) {
		h.say(u, k, "vorrei aprire una segnalazione")
		h.say(u, k, "il programma delle presenze mostra un errore 500 quando salvo")
	}},
	{"bot/email", func(h *harness, u, k string) {
		h.say(u, k, "vorrei aprire una segnalazione")
		h.say(u, k, "il programma delle presenze mostra un errore 500 quando salvo")
		h.say(u, k, "Presenze")
	}},
	{"queued", func(h *harness, u, k string) { h.queued(u, k) }},
	{"queued/prompt", func(h *harness, u, k string) {
		h.queued(u, k)
		h.say(u, k, "grazie")
	}},
	{"agent", func(h *harness, u, k string) {
		c := h.queued(u, k)
		if err := h.engine.Take(context.Background(), c.ID, h.agentNamed("marco")); err != nil {
			h.t.Fatal(err)
		}
	}},
	{"resolved", func(h *harness, u, k string) {
		c := h.queued(u, k)
		a := h.agentNamed("marco")
		if err := h.engine.Take(context.Background(), c.ID, a); err != nil {
			h.t.Fatal(err)
		}
		if err := h.engine.Resolve(context.Background(), c.ID, a, "fixed", "Riavviato il servizio."); err != nil {
			h.t.Fatal(err)
		}
	}},
	{"closed", func(h *harness, u, k string) {
		h.say(u, k, "il lettore non legge la smart card")
		if _, err := h.engine.store.CloseIdle(context.Background(), h.db, h.now.Add(time.Second), h.now); err != nil {
			h.t.Fatal(err)
		}
		if c := h.conversation(k); c.State != StateClosed {
			h.t.Fatalf("state %s, want closed", c.State)
		}
	}},
}

// stateInputs are the intents a user may bring in any state. "[live]"
// presses the first button of the bot's last prompt; "[stale]" a button
// of the greeting menu the conversation began with; "[twice]" the live
// button two times (the second press is the one checked).
var stateInputs = []struct{ name, msg string }{
	{"greeting", "ciao"},
	{"question", "la VPN non si connette"},
	{"thanks", "grazie"},
	{"status", "stato"},
	{"human", "voglio un operatore"},
	{"open ticket", "vorrei aprire una segnalazione"},
	{"cancel", "annulla"},
	{"free text", "boh"},
	{"details", "ho provato anche a riavviare il computer ma niente"},
	{"button", "[live]"},
	{"stale button", "[stale]"},
	{"double press", "[twice]"},
	{"command", "[" + ActionHelp + "]"},
}

// TestEveryStateAnswers: every state × every intent gets a reply, or a
// deliberate silence from the documented list — while an agent holds the
// conversation only a status request is answered.
func TestEveryStateAnswers(t *testing.T) {
	h := newHarness(t)
	n := 0
	for _, st := range stateSetups {
		for _, in := range stateInputs {
			n++
			t.Run(st.name+"/"+in.name, func(t *testing.T) {
				user, key := fmt.Sprintf("u-s%d", n), fmt.Sprintf("s%d", n)
				h.t = t
				h.say(user, key, "ciao")
				stale := h.liveAction(key, 0)
				st.setup(h, user, key)
				msg := in.msg
				switch msg {
				case "[live]", "[twice]":
					live := h.liveAction(key, 0)
					if live == "" || live == stale {
						t.Skip("no prompt of this state's own is live")
					}
					msg = "[" + ActionOf(live) + "]"
					if in.msg == "[twice]" {
						h.say(user, key, msg)
						msg = "{" + live + "}"
					}
				case "[stale]":
					msg = "{" + stale + "}"
				}
				res, lines := h.sayRaw(user, key, msg)
				held := st.name == "agent"
				switch {
				case held && in.name != "status" && res.Silence != SilenceAgentHolds:
					t.Fatalf("while an agent holds the conversation the bot said %q (silence %q)", lines, res.Silence)
				case held && in.name == "status" && len(res.Replies) == 0:
					t.Fatal("a status request got no answer while an agent holds the conversation")
				case len(res.Replies) == 0 && Silences[res.Silence] == "":
					t.Fatalf("no reply and no documented silence (silence %q)", res.Silence)
				case len(res.Replies) > 0 && res.Silence != "":
					t.Fatalf("replied %q yet reported silence %q", lines, res.Silence)
				}
				if (in.name == "stale button" || in.name == "double press") && !held {
					if !res.Stale || !strings.Contains(strings.Join(lines, "\n"), botText.T("it", "choice.stale")) {
						t.Fatalf("an old or repeated press was not refused: stale=%v %q", res.Stale, lines)
					}
				}
			})
		}
	}
}

// agentNamed returns the level-1 agent username, creating them once.
func (h *harness) agentNamed(username string) Agent {
	h.t.Helper()
	var a Agent
	err := h.db.Get(&a.ID, `SELECT id FROM users WHERE username = $1`, username)
	if err != nil {
		return h.agent(username, "agent_l1", true)
	}
	a.Name, a.Level = strings.ToUpper(username[:1])+username[1:], 1
	return a
}

// liveAction is the numbered action of button i of the last prompt sent
// to the conversation ("" when there is none).
func (h *harness) liveAction(key string, i int) string {
	rs := h.mem.Replies(key)
	for j := len(rs) - 1; j >= 0; j-- {
		if len(rs[j].Buttons) > i {
			return rs[j].Buttons[i].Action
		}
	}
	return ""
}

// sayRaw is say where "{action}" sends action exactly as written (an old
// prompt's numbered button).
func (h *harness) sayRaw(user, key, msg string) (Result, []string) {
	h.t.Helper()
	if !strings.HasPrefix(msg, "{") {
		return h.say(user, key, msg)
	}
	h.seq++
	in := Inbound{Channel: "memory", ExternalID: fmt.Sprintf("m%d", h.seq), ConversationKey: key,
		User: User{ID: user, Name: "Anna Rossi"}, Action: strings.Trim(msg, "{}")}
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

// TestIntentsBeforeSearch: a request for a ticket or a person is acted on
// without searching the guides; a person starts the handoff at once.
func TestIntentsBeforeSearch(t *testing.T) {
	h := newHarness(t)
	_, lines := h.say("u1", "c1", "vorrei aprire una segnalazione")
	if len(h.kb.searches()) != 0 || !strings.Contains(strings.Join(lines, "\n"), botText.T("it", "gather.describe")) {
		t.Fatalf("open-ticket request: searches %v, reply %q", h.kb.searches(), lines)
	}
	res, _ := h.say("u2", "c2", "voglio un operatore")
	if len(h.kb.searches()) != 0 || res.TicketNumber == "" || h.conversation("c2").State != StateQueued {
		t.Fatalf("person request: searches %v, ticket %q, state %s", h.kb.searches(), res.TicketNumber, h.conversation("c2").State)
	}
	// What the user said before asking for a person is the description.
	h.say("u3", "c3", "il lettore non legge la smart card")
	res, _ = h.say("u3", "c3", "vorrei parlare con un operatore")
	tk, err := h.tickets.GetByNumber(context.Background(), h.db, res.TicketNumber)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tk.Description, "smart card") || tk.Product != "Smart card CNS" {
		t.Fatalf("ticket from a handoff: description %q product %q", tk.Description, tk.Product)
	}
}

// TestQueuedAnswers: while waiting for an agent the user can ask where
// things stand, add details (a public comment) and cancel.
func TestQueuedAnswers(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.queued("u0", "c0") // someone ahead in the queue
	c := h.queued("u1", "c1")
	tk, err := h.tickets.Get(ctx, h.db, *c.TicketID)
	if err != nil {
		t.Fatal(err)
	}
	_, lines := h.say("u1", "c1", "stato "+tk.Number)
	got := strings.Join(lines, "\n")
	if !strings.Contains(got, tk.Number) || !strings.Contains(got, "posizione 2") || !strings.Contains(got, "entro ") {
		t.Fatalf("status while queued: %q", got)
	}
	_, lines = h.say("u1", "c1", "aggiungo che succede solo con il promemoria della ricetta dematerializzata")
	if !strings.Contains(strings.Join(lines, "\n"), botText.T("it", "queued.added", tk.Number)) {
		t.Fatalf("details: %q", lines)
	}
	cs, err := h.tickets.Comments(ctx, h.db, tk.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || !cs[0].Public || !strings.Contains(cs[0].Body, "promemoria") || !strings.HasPrefix(cs[0].Author, "requester:") {
		t.Fatalf("comments = %+v", cs)
	}
	_, lines = h.say("u1", "c1", "annulla")
	if !strings.Contains(strings.Join(lines, "\n"), botText.T("it", "queued.cancel.ask", tk.Number)) {
		t.Fatalf("cancel asks first: %q", lines)
	}
	h.say("u1", "c1", "[qcancel:yes]")
	tk, err = h.tickets.Get(ctx, h.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateCancelled || h.conversation("c1").State != StateBot {
		t.Fatalf("after cancelling: ticket %s, conversation %s", tk.State, h.conversation("c1").State)
	}
	// The other user moved up.
	_, lines = h.say("u0", "c0", "ci sono novità?")
	if !strings.Contains(strings.Join(lines, "\n"), "posizione 1") {
		t.Fatalf("queue after a cancellation: %q", lines)
	}
}

// TestReadmeSaysWhatEachStateDoes: the README's dialogue section names
// every state, every deliberate silence and the commands it promises.
func TestReadmeSaysWhatEachStateDoes(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start, end := strings.Index(doc, "**Dialogue**"), strings.Index(doc, "**Handoff**")
	if start < 0 || end < start {
		t.Fatal("README has no dialogue section before the handoff one")
	}
	section := doc[start:end]
	var want []string
	for _, s := range []ConversationState{StateBot, StateQueued, StateAgent, StateResolved, StateClosed} {
		want = append(want, "`"+string(s)+"`")
	}
	for k := range Silences {
		want = append(want, "`"+k+"`")
	}
	want = append(want, "bot.inactivity_timeout", "bot.reopen_window", "/status", "bots/states.go", "TestEveryStateAnswers")
	for _, w := range want {
		if !strings.Contains(section, w) {
			t.Errorf("the README's dialogue section does not name %s", w)
		}
	}
	// The keys it names exist, and the test it names too.
	if _, err := os.Stat("states_test.go"); err != nil {
		t.Error(err)
	}
	for _, key := range []string{"inactivity_timeout", "reopen_window"} {
		sample, err := os.ReadFile("../docs/helpdesk.sample.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(sample), key+":") {
			t.Errorf("bot.%s is named in the README but not in docs/helpdesk.sample.yaml", key)
		}
	}
}
