// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// deskEngine builds the real engine the way the service does: PostgreSQL,
// the ticket store, the knowledge base loaded from kb/testdata, its
// searcher, the severity model and the business calendar, with a clock on
// a Tuesday morning (business hours) so that the transcript is stable.
func deskEngine(t *testing.T) (*bots.Engine, *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	pool := testdb.New(t)
	cal := tickets.DefaultBusinessCalendar()
	at := time.Date(2026, 3, 10, 10, 0, 0, 0, cal.Location())
	now := func() time.Time { return at }
	ts, err := tickets.NewStore(tickets.Options{Now: now, Location: cal.Location()})
	if err != nil {
		t.Fatal(err)
	}
	store, err := kb.NewStore(pool, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Import(ctx, "../../kb/testdata/content", kb.ImportOptions{Author: "test"}); err != nil {
		t.Fatal(err)
	}
	searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	severity, err := nlp.NewSeverityModel()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := bots.New(bots.Options{
		DB: pool, Tickets: ts, Severity: severity, Calendar: cal, Now: now,
		Knowledge: &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: "http://hd.test"},
		BaseURL:   "http://hd.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return eng, pool
}

// desk is the whole path: fake Mattermost ⇄ adapter ⇄ real engine, plus
// the HTTP server the Mattermost server calls back for buttons.
type desk struct {
	t       *testing.T
	f       *fakeServer
	a       *Adapter
	db      *sqlx.DB
	actions *httptest.Server
	user    *model.User
	channel string // the user's direct channel with the bot
	seen    int    // bot posts already read
}

func newDesk(t *testing.T, buttons bool) *desk {
	eng, pool := deskEngine(t)
	return newDeskOn(t, eng, pool, buttons)
}

// newDeskOn is newDesk on a given engine and its database.
func newDeskOn(t *testing.T, eng *bots.Engine, pool *sqlx.DB, buttons bool) *desk {
	f := newFakeServer(t)
	d := &desk{t: t, f: f, db: pool}
	mux := http.NewServeMux()
	d.actions = httptest.NewServer(mux)
	t.Cleanup(d.actions.Close)
	cfg := Config{}
	if buttons {
		cfg = Config{CallbackURL: d.actions.URL + ActionPath, ActionSecret: testSecret}
	}
	d.a = newTestAdapter(t, f, eng, cfg, nil)
	d.a.Routes(mux)
	eng.RegisterSender(Channel, d.a)
	// No e-mail in the profile, so the bot asks for one (and Skip is pressed).
	d.user = f.addUser("mario.bianchi", "Mario", "Bianchi", "", "it")
	run(t, d.a)
	waitFor(t, "connection", func() bool { return f.connections() == 1 })
	return d
}

// write sends a direct message from the user (and returns its event, to
// deliver it again).
func (d *desk) write(text string) string {
	d.t.Helper()
	if d.channel == "" {
		dm, err := d.a.dmChannel(context.Background(), d.user.Id)
		if err != nil {
			d.t.Fatal(err)
		}
		d.channel = dm
	}
	ev := d.f.posted(d.f.userPost(d.user.Id, d.channel, "", text), "D", d.user.Username, []string{d.f.bot.Id})
	d.f.push(ev)
	return ev
}

// next waits for the bot's next post.
func (d *desk) next() *model.Post {
	d.t.Helper()
	waitFor(d.t, "a reply of the bot", func() bool { return len(d.f.createdPosts()) > d.seen })
	p := d.f.createdPosts()[d.seen]
	d.seen++
	return p
}

// press presses the button with that action on a bot post, the way the
// Mattermost server does: it POSTs the stored context to the callback URL.
func (d *desk) press(p *model.Post, action string) {
	d.t.Helper()
	atts, _ := p.GetProp(model.PostPropsAttachments).([]any)
	for _, att := range atts {
		raw, _ := json.Marshal(att)
		var sa model.MessageAttachment
		if err := json.Unmarshal(raw, &sa); err != nil {
			d.t.Fatal(err)
		}
		for _, act := range sa.Actions {
			if act.Integration == nil || bots.ActionOf(fmt.Sprint(act.Integration.Context["action"])) != action {
				continue
			}
			body, _ := json.Marshal(model.PostActionIntegrationRequest{
				UserId: d.user.Id, UserName: d.user.Username, ChannelId: p.ChannelId, PostId: p.Id,
				TriggerId: "trigger", Context: act.Integration.Context,
			})
			resp, err := http.Post(act.Integration.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				d.t.Fatal(err)
			}
			defer resp.Body.Close()
			var answer model.PostActionIntegrationResponse
			if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&answer) != nil || answer.EphemeralText != "" {
				d.t.Fatalf("callback answered %d %+v", resp.StatusCode, answer)
			}
			// The answer replaces the buttons of the pressed post with the
			// choice made, keeping its message.
			if answer.Update == nil || answer.Update.Message != p.Message || hasAction(answer.Update, action) {
				d.t.Fatalf("callback update %+v", answer.Update)
			}
			raw, _ := json.Marshal(answer.Update.GetProp(model.PostPropsAttachments))
			if !bytes.Contains(raw, []byte("✓ "+act.Name)) {
				d.t.Errorf("update does not show the choice %q: %s", act.Name, raw)
			}
			return
		}
	}
	d.t.Fatalf("no button %q on %q", action, p.Message)
}

// choose answers a numbered question by typing the number of the choice.
func (d *desk) choose(p *model.Post, action string) {
	d.t.Helper()
	for i, a := range propChoices(p) {
		if bots.ActionOf(a) == action {
			d.write(strings.TrimSpace(string(rune('1' + i))))
			return
		}
	}
	d.t.Fatalf("no choice %q on %q", action, p.Message)
}

var ticketNumber = regexp.MustCompile(`HD-\d{4}-\d{6}`)

func TestEndToEndNotSolvedOpensTicket(t *testing.T) {
	for _, mode := range []string{"buttons", "numbered choices"} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode == "buttons")
			pick := d.press
			if mode != "buttons" {
				pick = d.choose
			}
			// A rate-limited first reply is waited out and delivered once.
			noSleep(d.a)
			d.f.mu.Lock()
			d.f.throttle = 1
			d.f.mu.Unlock()

			d.write("la VPN non si connette da casa, il client resta in attesa")
			answer := d.next()
			if !strings.Contains(answer.Message, "La VPN non si connette da casa") {
				t.Fatalf("not the KB answer: %q", answer.Message)
			}
			if d.f.throttled != 1 {
				t.Errorf("throttled %d times, want 1", d.f.throttled)
			}
			// The answer may come in more than one post; the buttons are on
			// the one asking for feedback.
			for !hasAction(answer, "fb:no") {
				answer = d.next()
			}
			pick(answer, "fb:no")

			// Asked only when neither the entry nor the text names it.
			email := d.next()
			if strings.Contains(email.Message, "programma o servizio") {
				d.write("client VPN")
				email = d.next()
			}
			if !hasAction(email, "skip") {
				t.Fatalf("expected the e-mail question with Skip, got %q", email.Message)
			}
			pick(email, "skip")

			done := d.next()
			number := ticketNumber.FindString(done.Message)
			if number == "" {
				t.Fatalf("no ticket number in %q", done.Message)
			}
			var product2, channel string
			if err := d.db.QueryRowContext(context.Background(), `SELECT product, origin_channel FROM tickets WHERE number = $1`, number).Scan(&product2, &channel); err != nil {
				t.Fatalf("ticket %s not stored: %v", number, err)
			}
			if product2 == "" || channel != "mattermost" {
				t.Errorf("ticket product %q channel %q", product2, channel)
			}
			for _, p := range d.f.createdPosts() {
				if p.ChannelId != d.channel || p.RootId != "" {
					t.Errorf("a reply went to %q/%q, not to the direct channel", p.ChannelId, p.RootId)
				}
			}
		})
	}
}

func hasAction(p *model.Post, action string) bool {
	for _, a := range propChoices(p) {
		if bots.ActionOf(a) == action {
			return true
		}
	}
	raw, _ := json.Marshal(p.GetProp(model.PostPropsAttachments))
	return bytes.Contains(raw, []byte(`"action":"`+action+`#`))
}

func TestRedeliveredPostGetsOneReply(t *testing.T) {
	d := newDesk(t, true)
	ev := d.write("ciao")
	d.next()
	d.f.push(ev) // the same post again (a resumed connection replays it)
	// A later message proves the repeat has been handled in between.
	d.write("grazie")
	d.next()
	time.Sleep(testwait.Quiet) // a wrong extra one gets a bounded while to show itself
	if n := len(d.f.createdPosts()); n != 2 {
		for _, p := range d.f.createdPosts() {
			t.Logf("reply: %q", p.Message)
		}
		t.Fatalf("%d replies, want 2 (one per distinct post)", n)
	}
}
