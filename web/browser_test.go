// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
	"helpdesk/web/console"
	"helpdesk/web/webtest"
)

// desk is the whole service in one process: the real engine, knowledge
// base, ticket store and console on one test database, with the user on
// the in-process channel.
type desk struct {
	*testConsole
	engine *bots.Engine
	mem    *bots.Memory
	kb     *kb.Store
	seq    int
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	return newDeskWith(t, nil)
}

// newDeskWith is newDesk with the server's options adjusted by opt (may
// be nil) before it starts.
func newDeskWith(t *testing.T, opt func(*Options)) *desk {
	t.Helper()
	ctx := context.Background()
	u := testdb.NewURL(t)
	pool := openPool(t, u)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cal, err := tickets.NewBusinessCalendar(tickets.CalendarConfig{NoNationalHolidays: true, Hours: map[string]string{
		"mon": "00:00-24:00", "tue": "00:00-24:00", "wed": "00:00-24:00", "thu": "00:00-24:00",
		"fri": "00:00-24:00", "sat": "00:00-24:00", "sun": "00:00-24:00"}})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := tickets.NewStore(tickets.Options{Location: cal.Location()})
	if err != nil {
		t.Fatal(err)
	}
	store, err := kb.NewStore(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: 200 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	sev, err := nlp.NewSeverityModel()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := bots.New(bots.Options{DB: pool, Tickets: ts, Severity: sev, Calendar: cal, Logger: log,
		Knowledge: &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: "http://hd.test"}, BaseURL: "http://hd.test"})
	if err != nil {
		t.Fatal(err)
	}
	mem := bots.NewMemory()
	engine.RegisterSender("memory", mem)
	o := Options{DB: pool, Pool: pool, DatabaseURL: u, Registry: prometheus.NewRegistry(), Logger: log,
		Tickets: ts, KB: store, Conversations: engine.Store(), Searcher: searcher, Handoff: engine}
	if opt != nil {
		opt(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	users, err := agents.NewUsers(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &desk{testConsole: &testConsole{t: t, pool: pool, srv: srv, ts: hs, users: users}, engine: engine, mem: mem, kb: store}
}

// say is the user writing on the in-process channel.
func (d *desk) say(key, text string) bots.Result {
	d.t.Helper()
	d.seq++
	in := bots.Inbound{Channel: "memory", ExternalID: fmt.Sprintf("b%d", d.seq), ConversationKey: key,
		User: bots.User{ID: "user-" + key, Name: "Giulia Bianchi"}}
	if strings.HasPrefix(text, "[") {
		in.Action = strings.Trim(text, "[]")
	} else {
		in.Text = text
	}
	res, err := d.engine.Handle(context.Background(), in)
	if err != nil {
		d.t.Fatalf("Handle(%q): %v", text, err)
	}
	return res
}

// queue walks the user through asking for a person, as in the bot's
// transcripts, and returns the queued conversation's id.
func (d *desk) queue(key string) int64 {
	d.t.Helper()
	var res bots.Result
	for _, m := range []string{"voglio parlare con un operatore",
		"Da stamattina il programma di cartella clinica si chiude da solo quando apro un paziente",
		"Cartella clinica", "[skip]"} {
		res = d.say(key, m)
	}
	var state string
	if err := d.pool.Get(&state, `SELECT state FROM conversations WHERE id = $1`, res.ConversationID); err != nil || state != "queued" {
		d.t.Fatalf("conversation %d is %q (%v), want queued", res.ConversationID, state, err)
	}
	return res.ConversationID
}

// agentTab opens a tab of the shared browser b logged in as username, in
// a browser context of its own (each agent has their own cookies).
func (d *desk) agentTab(b context.Context, username string) context.Context {
	d.t.Helper()
	ctx := webtest.OpenTab(d.t, b)
	d.run(ctx, "login "+username,
		chromedp.Navigate(d.ts.URL+"/console/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), passwordOf(username)),
		webtest.Submit(chromedp.Click(chromedp.ID("login"))),
		chromedp.WaitVisible(chromedp.ID("logout")),
	)
	return ctx
}

func (d *desk) run(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	d.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		d.fatal(ctx, what, err)
	}
}

// read runs one action that returns a string.
func (d *desk) read(ctx context.Context, what string, a chromedp.Action[string]) string {
	d.t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		d.fatal(ctx, what, err)
	}
	return v
}

func (d *desk) fatal(ctx context.Context, what string, err error) {
	d.t.Helper()
	loc, body := webtest.PageState(ctx)
	d.t.Fatalf("%s: %v (at %s: %.400s)", what, err, loc, body)
}

// waitReply waits for a reply to the user containing want.
func (d *desk) waitReply(key, want string) {
	d.t.Helper()
	defer func() {
		if d.t.Failed() {
			var got []string
			for _, r := range d.mem.Replies(key) {
				got = append(got, r.Text)
			}
			d.t.Logf("the user received:\n%s", strings.Join(got, "\n---\n"))
		}
	}()
	testwait.For(d.t, fmt.Sprintf("the user to receive %q", want), func() bool {
		for _, r := range d.mem.Replies(key) {
			if strings.Contains(r.Text, want) {
				return true
			}
		}
		return false
	})
}

func TestBrowserHandoff(t *testing.T) {
	t.Parallel()
	b := webtest.Browser(t)
	d := newDesk(t)
	d.addUser("anna", agents.RoleAgentL1)
	d.addUser("luca", agents.RoleAgentL2)

	anna := d.agentTab(b, "anna")
	if url := d.read(anna, "location", chromedp.Location()); !strings.HasSuffix(url, "/console/inbox") {
		t.Fatalf("an L1 agent lands on %s, want the inbox", url)
	}
	// One browser serves the whole story (starting Chromium is the slow
	// part): first, what an L1 agent may not open.
	t.Run("L1 cannot open the KB editor or admin pages", func(t *testing.T) { d.l1Forbidden(t, anna) })
	d.run(anna, "inbox", chromedp.Navigate(d.ts.URL+"/console/inbox"), chromedp.WaitVisible(chromedp.ID("inbox-list")))
	// The conversation is queued while the inbox is open: it appears
	// without a reload (server-sent events).
	if _, err := chromedp.Run(anna, chromedp.Evaluate[bool](`window.__noReload = true`)); err != nil {
		t.Fatal(err)
	}
	conv := d.queue("chat-1")
	row := fmt.Sprintf(`tr[data-conv="%d"] a`, conv)
	d.run(anna, "live row", chromedp.WaitVisible(chromedp.CSS(row)))
	same, err := chromedp.Run(anna, chromedp.Evaluate[bool](`window.__noReload === true`))
	if err != nil || !same {
		t.Fatal("the inbox reloaded the page instead of updating in place")
	}
	// A screen reader hears the new row once, from the page's status
	// region; the list itself is not a live region (it would be read
	// again whole at every refresh).
	said := d.read(anna, "the new row said", webtest.Poll[string](fmt.Sprintf(
		`(() => { const s = document.getElementById("live-status").textContent; return s.includes("#%d ·") && s; })()`, conv)))
	lang := d.read(anna, "page language", chromedp.Evaluate[string](`document.documentElement.lang`))
	if want := console.Text.T(lang, "live.inbox_new") + fmt.Sprintf(": #%d · ", conv); !strings.HasPrefix(said, want) {
		t.Errorf("live status %q, want it to start %q", said, want)
	}
	if n := d.read(anna, "live regions", chromedp.Evaluate[string](`String(document.querySelectorAll("#inbox[aria-live], #inbox [aria-live]").length)`)); n != "0" {
		t.Errorf("the inbox list holds %s live regions", n)
	}
	// Take it and reply: the user receives the reply on their channel.
	d.run(anna, "take",
		chromedp.Click(chromedp.CSS(row)),
		chromedp.WaitVisible(chromedp.ID("sum-query")),
		webtest.Submit(chromedp.Click(chromedp.ID("take"))),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
	)
	d.waitReply("chat-1", "ANNA")
	d.run(anna, "reply",
		chromedp.SendKeys(chromedp.ID("reply-text"), "Buongiorno, sono Anna: provi a svuotare la cache del programma."),
		webtest.Submit(chromedp.Click(chromedp.ID("send-reply"))),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	d.waitReply("chat-1", "provi a svuotare la cache")
	// The user answers: the message appears in Anna's open page by itself.
	d.say("chat-1", "Fatto, ma si chiude ancora")
	d.run(anna, "live message", chromedp.WaitVisible(chromedp.Search(`//ol[@id="messages"]//div[contains(., "si chiude ancora")]`)))
	said = d.read(anna, "the new message said", webtest.Poll[string](
		`(() => { const s = document.getElementById("live-status").textContent; return s.includes("si chiude ancora") && s; })()`))
	if want := console.Text.T(lang, "live.message_new") + ": " + console.Text.T(lang, "conv.user") + ": Fatto, ma si chiude ancora"; said != want {
		t.Errorf("live status %q, want the new message once, with who wrote it", said)
	}

	// Escalate to level 2: Luca sees it in his inbox.
	luca := d.agentTab(b, "luca")
	d.run(anna, "escalate",
		chromedp.SendKeys(chromedp.ID("esc-reason"), "crash riproducibile, serve il secondo livello"),
		webtest.Submit(chromedp.Click(chromedp.ID("escalate"))),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	d.run(luca, "L2 inbox", chromedp.Navigate(d.ts.URL+"/console/inbox"), chromedp.WaitVisible(chromedp.CSS(row)))
	// The live list may be re-rendered between finding the row and a click
	// on it: follow the row's link instead of clicking the node.
	href, err := chromedp.Run(luca, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute("href")`, row)))
	if err != nil || href == "" {
		t.Fatalf("the L2 inbox row has no link: %q, %v", href, err)
	}
	d.run(luca, "L2 opens", chromedp.Navigate(d.ts.URL+href), chromedp.WaitVisible(chromedp.ID("take")))
	level := d.read(luca, "state line", chromedp.Text(chromedp.ID("conv-state")))
	if !strings.Contains(level, "2") {
		t.Fatalf("conversation state line %q, want level 2", level)
	}
	// Anna no longer sees it (level 2, not hers) and cannot open it.
	d.run(anna, "L1 inbox after escalation", chromedp.Navigate(d.ts.URL+"/console/inbox"),
		chromedp.WaitVisible(chromedp.ID("inbox-list")))
	// Read in one script step: the live refresh may swap the list between
	// finding the node and reading it ("No node with given id found").
	inbox := d.read(anna, "L1 inbox", chromedp.Evaluate[string](`document.getElementById("inbox-list").outerHTML`))
	if strings.Contains(inbox, fmt.Sprintf(`data-conv="%d"`, conv)) {
		t.Fatal("the L1 inbox still lists the escalated conversation")
	}
}

func TestBrowserEditorPublishesFAQ(t *testing.T) {
	t.Parallel()
	b := webtest.Browser(t)
	d := newDesk(t)
	d.addUser("elena", agents.RoleEditor)
	// Before: the bot has no answer about the new badge printer.
	question := "come si stampa il badge visitatori"
	res := d.say("q-1", question)
	for _, r := range res.Replies {
		if strings.Contains(r.Text, "Badge visitatori") {
			t.Fatalf("the bot already knows the answer: %q", r.Text)
		}
	}
	elena := d.agentTab(b, "elena")
	d.run(elena, "new entry",
		chromedp.Navigate(d.ts.URL+"/console/kb/new"),
		chromedp.WaitVisible(chromedp.ID("kb-id")),
		chromedp.SendKeys(chromedp.ID("kb-id"), "badge-visitatori"),
		chromedp.SendKeys(chromedp.ID("kb-title"), "Badge visitatori: come stamparlo"),
		chromedp.SendKeys(chromedp.ID("kb-questions"), "come si stampa il badge visitatori\nstampare badge per un ospite"),
		chromedp.SendKeys(chromedp.ID("kb-body"), "Apri **Portineria**, scegli *Nuovo visitatore* e premi Stampa badge."),
		chromedp.Click(chromedp.ID("kb-preview")),
		chromedp.WaitVisible(chromedp.ID("preview")),
	)
	preview := d.read(elena, "preview", chromedp.InnerHTML(chromedp.ID("preview")))
	if !strings.Contains(preview, "<strong>Portineria</strong>") {
		t.Fatalf("preview %q is not rendered Markdown", preview)
	}
	d.run(elena, "save, review, publish",
		webtest.Submit(chromedp.Click(chromedp.ID("kb-save"))),
		chromedp.WaitVisible(chromedp.ID("to-in_review")),
		webtest.Submit(chromedp.Click(chromedp.ID("to-in_review"))),
		chromedp.WaitVisible(chromedp.ID("to-published")),
		webtest.Submit(chromedp.Click(chromedp.ID("to-published"))),
		chromedp.WaitVisible(chromedp.ID("to-archived")),
	)
	// After: the bot answers with the new entry. The searcher follows the
	// database by itself (every 200 ms here): ask until its answer is the
	// new entry — the answer is the signal.
	var got []string
	defer func() {
		if t.Failed() {
			t.Logf("the bot's last answer: %q", got)
		}
	}()
	n := 1
	testwait.For(t, "the bot to answer with the published FAQ", func() bool {
		n++
		got = got[:0]
		for _, r := range d.say(fmt.Sprintf("q-%d", n), question).Replies {
			if strings.Contains(r.Text, "Badge visitatori") || strings.Contains(r.Text, "Portineria") {
				return true
			}
			got = append(got, r.Text)
		}
		return false
	})
}

// l1Forbidden checks, in an L1 agent's tab, that the menu has no link to
// the KB editor or admin pages and that opening them gives the 403 page.
func (d *desk) l1Forbidden(t *testing.T, tab context.Context) {
	nav := d.read(tab, "menu", chromedp.OuterHTML(chromedp.CSS("header")))
	if strings.Contains(nav, "/console/kb") || strings.Contains(nav, "/console/admin") {
		t.Fatal("the L1 menu links to the KB editor or admin pages")
	}
	for _, path := range []string{"/console/kb", "/console/kb/new", "/console/admin/users", "/console/canned"} {
		d.run(tab, path, chromedp.Navigate(d.ts.URL+path+"?lang=en"), chromedp.WaitVisible(chromedp.ID("error")))
		msg := d.read(tab, path, chromedp.Text(chromedp.ID("error")))
		if !strings.Contains(msg, "Access denied") {
			t.Fatalf("%s shows %q, want the 403 page", path, msg)
		}
	}
}
