// SPDX-License-Identifier: EUPL-1.2

// Package journey is the one scripted conversation every channel plays
// through its own wire-format fake and production adapter: greeting,
// question, answer, Non risolto, ticket, status while queued, an agent
// taking over and replying, resolution and satisfaction; then a double
// press, a stale press, "voglio un operatore", a message with U+0000 and
// a long table-heavy answer. Each channel's transcript — what the user
// saw, as it arrived on the wire — is a golden file a reviewer can read.
//
// The package drives the engine and reads the database; the channel's
// test package supplies a Channel that speaks to its fake. Adapters never
// import each other, so each runs the journey in its own tests.
package journey

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/testwait"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// Channel is one channel's side of the journey: the user's actions, sent
// through the channel's fake to its production adapter, and what the
// user has been shown.
type Channel interface {
	// Name is the engine's channel name ("telegram", "slack" …).
	Name() string
	// Write sends a text from the user.
	Write(t *testing.T, text string)
	// Press presses the button whose engine action (bots.ActionOf) is
	// action, on the latest message showing it — or, when oldest is set,
	// on the first message that ever showed it (a stale prompt).
	Press(t *testing.T, action string, oldest bool)
	// Shown returns the user's view of every bot message received so far,
	// one entry per message on the wire: its text as the platform shows
	// it, then "[label]" for each button.
	Shown() []Shown
}

// OneEventPerButton is implemented by a channel on which pressing the
// same button twice is one event (Mattermost's callback names the post,
// the user and the action): the second press makes no second turn.
type OneEventPerButton interface {
	RepeatedPressIsOneEvent() bool
}

// Shown is one bot message as the user's client shows it.
type Shown struct {
	Text    string
	Buttons []Button
}

// Button is a button as shown: its label and its engine action.
type Button struct {
	Label, Action string
}

// Desk is the agents' side, the database the engine uses and the stores
// behind it (a channel served by the web server needs them too).
type Desk struct {
	Engine   *bots.Engine
	DB       *sqlx.DB
	Tickets  *tickets.Store
	KB       *kb.Store
	Searcher *kb.Searcher
	Severity bots.SeverityModel
	Content  string // the knowledge base's folder
}

// Run plays the journey on ch and compares the transcript with
// testdata/journeys/<channel>.golden (rewritten when update is set).
func Run(t *testing.T, ch Channel, desk Desk, update bool) {
	r := &runner{t: t, ch: ch, desk: desk}
	r.play()
	golden(t, filepath.Join("testdata", "journeys", ch.Name()+".golden"), r.b.String(), update)
}

type runner struct {
	t    *testing.T
	ch   Channel
	desk Desk
	b    strings.Builder
	seen int
	in   int // inbound messages recorded so far
}

var ticketNumber = regexp.MustCompile(`HD-\d{4}-\d{6}`)

func (r *runner) play() {
	r.section("greeting, question, answer")
	r.write("buongiorno")
	r.write("il lettore della tessera sanitaria non legge più la carta")
	if r.has("pick:") {
		r.pressPrefix("pick:")
	}
	r.section("Non risolto opens a ticket")
	r.press("fb:no", false)
	for i := 0; i < 4 && r.ticket() == ""; i++ {
		switch {
		case r.has("skip"):
			r.press("skip", false)
		case r.has("dontknow"):
			r.write("Smart card CNS")
		default:
			r.write("Il lettore USB non riconosce la tessera sanitaria da stamattina, su tutti i PC dello studio.")
		}
	}
	number := r.ticket()
	if number == "" {
		r.t.Fatalf("no ticket opened; transcript:\n%s", r.b.String())
	}

	r.section("status while queued")
	r.write("stato " + number)

	r.section("an agent takes over and replies")
	conv := r.conversation()
	marco := r.agent()
	r.agentOp("Marco prende in carico", func(ctx context.Context) error { return r.desk.Engine.Take(ctx, conv, marco) })
	r.write("ci siete?") // the bot stays silent while the agent holds it
	r.agentOp("Marco risponde", func(ctx context.Context) error {
		return r.desk.Engine.Reply(ctx, conv, marco, "Buongiorno, sono Marco: reinstalli il driver del lettore dal portale e riprovi.")
	})
	r.write("stato") // status is answered even now

	r.section("resolve and satisfaction")
	r.agentOp("Marco risolve", func(ctx context.Context) error {
		return r.desk.Engine.Resolve(ctx, conv, marco, "fixed", "Driver del lettore reinstallato.")
	})
	r.press("csat:5", false)

	r.section("double press and stale press")
	r.write("come faccio a cambiare la password della VPN?")
	if r.has("pick:") {
		r.pressPrefix("pick:")
	}
	r.press("fb:yes", false)
	if o, ok := r.ch.(OneEventPerButton); ok && o.RepeatedPressIsOneEvent() {
		r.pressRepeated("fb:yes")
	} else {
		r.press("fb:yes", false) // the same button again: a second event
	}
	r.press("menu:faq", true)

	r.section("voglio un operatore")
	r.write("voglio un operatore")

	r.section("a message with U+0000")
	r.write("aggiungo\x00 che il lettore lampeggia rosso")

	r.section("a long table-heavy answer")
	r.write("annulla")
	r.press("qcancel:yes", false)
	r.write("cosa significano gli stati della ricetta nel gestionale?")
	if r.has("pick:") {
		r.pressPrefix("pick:")
	}
}

func (r *runner) section(title string) {
	fmt.Fprintf(&r.b, "\n## %s\n", title)
}

// write sends text and records what the user saw in answer.
func (r *runner) write(text string) {
	r.t.Helper()
	fmt.Fprintf(&r.b, "> %s\n", strings.ReplaceAll(text, "\x00", `\x00`))
	r.ch.Write(r.t, text)
	r.settle()
}

func (r *runner) press(action string, oldest bool) {
	r.t.Helper()
	label := action
	for _, s := range r.shownButtons(oldest) {
		if bots.ActionOf(s.Action) == action {
			label = s.Label
		}
	}
	which := ""
	if oldest {
		which = " (on the first message that offered it)"
	}
	fmt.Fprintf(&r.b, "> [%s]%s\n", label, which)
	r.ch.Press(r.t, action, oldest)
	r.settle()
}

// pressRepeated presses the button again on a channel where that is the
// same event: the engine takes it for a redelivery, no second turn.
func (r *runner) pressRepeated(action string) {
	r.t.Helper()
	fmt.Fprintf(&r.b, "> [%s] again (the same event for this channel)\n", action)
	r.ch.Press(r.t, action, false)
	ctx := testwait.Context(r.t)
	testwait.For(r.t, "the replies delivered", func() bool {
		var unsent int
		if err := r.desk.DB.GetContext(ctx, &unsent, `SELECT count(*) FROM messages WHERE channel = $1
			AND direction = 'out' AND failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`, r.ch.Name()); err != nil {
			r.t.Fatal(err)
		}
		return unsent == 0
	})
	r.flush()
}

func (r *runner) pressPrefix(prefix string) {
	r.t.Helper()
	for _, s := range r.shownButtons(false) {
		if strings.HasPrefix(bots.ActionOf(s.Action), prefix) {
			r.press(bots.ActionOf(s.Action), false)
			return
		}
	}
}

// shownButtons are the buttons of the latest (or first) message with any.
func (r *runner) shownButtons(oldest bool) []Button {
	shown := r.ch.Shown()
	if oldest {
		for _, s := range shown {
			if len(s.Buttons) > 0 {
				return s.Buttons
			}
		}
		return nil
	}
	for i := len(shown) - 1; i >= 0; i-- {
		if len(shown[i].Buttons) > 0 {
			return shown[i].Buttons
		}
	}
	return nil
}

// has reports whether the bot's last message offers a button whose
// action starts with prefix.
func (r *runner) has(prefix string) bool {
	shown := r.ch.Shown()
	if len(shown) == 0 {
		return false
	}
	for _, b := range shown[len(shown)-1].Buttons {
		if strings.HasPrefix(bots.ActionOf(b.Action), prefix) {
			return true
		}
	}
	return false
}

func (r *runner) ticket() string {
	for _, s := range r.ch.Shown() {
		if n := ticketNumber.FindString(s.Text); n != "" && strings.Contains(s.Text, "Ho aperto") {
			return n
		}
	}
	return ""
}

// settle waits until the user's message is recorded and every reply of
// the channel is delivered (or refused for good), then writes down what
// arrived since the last step.
func (r *runner) settle() {
	r.t.Helper()
	ctx := testwait.Context(r.t)
	want := r.in + 1
	testwait.For(r.t, "the message handled and its replies delivered", func() bool {
		var n struct {
			In     int `db:"inbound"`
			Unsent int `db:"unsent"`
		}
		err := r.desk.DB.GetContext(ctx, &n, `SELECT
			count(*) FILTER (WHERE direction = 'in') AS inbound,
			count(*) FILTER (WHERE direction = 'out' AND failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)) AS unsent
			FROM messages WHERE channel = $1`, r.ch.Name())
		if err != nil {
			r.t.Fatal(err)
		}
		return n.In >= want && n.Unsent == 0
	})
	r.in = want
	r.flush()
}

// flush writes the messages shown since the last flush.
func (r *runner) flush() {
	shown := r.ch.Shown()
	for _, s := range shown[r.seen:] {
		for _, l := range strings.Split(strings.TrimRight(s.Text, "\n"), "\n") {
			fmt.Fprintf(&r.b, "< %s\n", l)
		}
		for _, b := range s.Buttons {
			fmt.Fprintf(&r.b, "  [%s] (%s)\n", b.Label, bots.ActionOf(b.Action))
		}
	}
	r.seen = len(shown)
}

// agentOp runs an agent's operation and writes down what reached the user.
func (r *runner) agentOp(what string, op func(ctx context.Context) error) {
	r.t.Helper()
	fmt.Fprintf(&r.b, "* %s\n", what)
	ctx := testwait.Context(r.t)
	if err := op(ctx); err != nil {
		r.t.Fatalf("%s: %v", what, err)
	}
	testwait.For(r.t, "the agent's messages delivered", func() bool {
		var unsent int
		if err := r.desk.DB.GetContext(ctx, &unsent, `SELECT count(*) FROM messages WHERE channel = $1
			AND direction = 'out' AND failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`, r.ch.Name()); err != nil {
			r.t.Fatal(err)
		}
		return unsent == 0
	})
	r.flush()
}

func (r *runner) conversation() int64 {
	var id int64
	if err := r.desk.DB.GetContext(testwait.Context(r.t), &id, `SELECT id FROM conversations WHERE channel = $1 AND state = 'queued'
		ORDER BY id DESC LIMIT 1`, r.ch.Name()); err != nil {
		r.t.Fatal(err)
	}
	return id
}

func (r *runner) agent() bots.Agent {
	// Through agents, the users' owner, as the console's admin page adds one.
	ctx := testwait.Context(r.t)
	users, err := agents.NewUsers(r.desk.DB, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	id, err := users.Add(ctx, agents.NewUser{Username: "marco.journey", DisplayName: "Marco", Role: agents.RoleAgentL1, Password: "journey-password"})
	if err != nil {
		r.t.Fatal(err)
	}
	if err := users.SetPresence(ctx, r.desk.DB, id, true); err != nil {
		r.t.Fatal(err)
	}
	return bots.Agent{ID: id, Name: "Marco", Level: 1}
}

func golden(t *testing.T, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("journey transcript differs from %s (run with -update and read the diff):\n--- got ---\n%s", path, got)
	}
}
