// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/web/portal"
	"helpdesk/web/webtest"
)

// screenshotsDir is where TestBrowserScreenshots writes the README's
// pictures: `make screenshots` sets it to docs/screenshots; otherwise they
// go to a temporary folder and the test only proves they can be made.
var screenshotsDir = flag.String("screenshots", "", "folder to write the documentation's screenshots to (make screenshots)")

// The screenshots' size: a laptop's window, small enough to keep the
// committed files at tens of kilobytes.
const shotWidth, shotHeight = 1280, 800

// screenshotFiles are the pictures make screenshots writes into
// docs/screenshots, in the order TestBrowserScreenshots takes them.
var screenshotFiles = []string{"help-centre.png", "console-inbox.png", "console-conversation.png", "console-ticket.png", "console-reports.png"}

// TestScreenshotsDocumented: every picture make screenshots writes is
// committed and shown in the README, and every screenshot the README and
// docs/ show exists.
func TestScreenshotsDocumented(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range screenshotFiles {
		if _, err := os.Stat("../docs/screenshots/" + f); err != nil {
			t.Errorf("docs/screenshots/%s is not committed (make screenshots): %v", f, err)
		}
		if !strings.Contains(string(readme), "(docs/screenshots/"+f+")") {
			t.Errorf("the README does not show docs/screenshots/%s", f)
		}
	}
	docs, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`\((?:\.\./)?(?:docs/)?screenshots/([^)]+)\)`)
	for _, f := range append(docs, "../README.md") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			if !slices.Contains(screenshotFiles, m[1]) {
				t.Errorf("%s shows screenshots/%s, which make screenshots does not make", f, m[1])
			}
		}
	}
}

// screenshot is one picture of the documentation.
type screenshot struct {
	file, path, ready string
	as                string // the console user; "" for a public page
}

// TestBrowserScreenshots starts the demo as the browser tests do — real
// PostgreSQL, the demo knowledge base (content/kb), the real engine — puts
// a little life in it (a question answered on the web chat, a requester
// handed to an agent who answers, another waiting in the queue) and takes
// the help centre and the console's inbox, conversation, ticket and
// reports in a 1280×800 window (a desk PC), where nothing may overflow
// sideways.
func TestBrowserScreenshots(t *testing.T) {
	t.Parallel()
	dir := *screenshotsDir
	if dir == "" {
		dir = t.TempDir()
	}
	p := newPortalWith(t, portalSetup{Content: "../content/kb"})
	ctx := context.Background()
	users, err := agents.NewUsers(p.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	marco, err := users.Add(ctx, agents.NewUser{Username: "marco", DisplayName: "Marco Rossi", Role: agents.RoleAgentL1, Password: passwordOf("marco")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := users.Add(ctx, agents.NewUser{Username: "paolo", DisplayName: "Paolo Neri", Role: agents.RoleSupervisor, Password: passwordOf("paolo")}); err != nil {
		t.Fatal(err)
	}

	// Two requesters on the web chat: each asks, then asks for a person
	// and describes the problem; Marco takes the first and answers.
	seq := 0
	say := func(key, text, action string) bots.Result {
		t.Helper()
		seq++
		res, err := p.engine.Handle(ctx, bots.Inbound{Channel: portal.ChatChannel, ExternalID: fmt.Sprintf("%s:m%d", portal.VisitorID(key), seq),
			ConversationKey: key, User: bots.User{ID: portal.VisitorID(key), Name: "Giulia Bianchi", Lang: "it"}, Text: text, Action: action})
		if err != nil {
			t.Fatalf("Handle(%q): %v", text, err)
		}
		return res
	}
	queue := func(key, question, problem string) int64 {
		t.Helper()
		say(key, question, "")
		res := say(key, "voglio parlare con un operatore", "")
		say(key, problem, "")
		var state string
		if err := p.pool.Get(&state, `SELECT state FROM conversations WHERE id = $1`, res.ConversationID); err != nil || state != "queued" {
			t.Fatalf("conversation %d is %q (%v), want queued", res.ConversationID, state, err)
		}
		return res.ConversationID
	}
	conv := queue("screenshot-key-giulia-0000000000000", "la vpn non si collega da casa",
		"Da questa mattina la VPN regionale dice 'autenticazione non riuscita' anche con il codice OTP giusto")
	queue("screenshot-key-andrea-0000000000000", "non riesco a stampare le ricette",
		"La stampante dell'ambulatorio non stampa le ricette dematerializzate: restano in coda")
	agent := bots.Agent{ID: marco, Name: "Marco Rossi", Level: 1}
	if err := p.engine.Take(ctx, conv, agent); err != nil {
		t.Fatal(err)
	}
	if err := p.engine.Reply(ctx, conv, agent, "Buongiorno, ho azzerato il suo profilo OTP: lo riattivi dal portale (Profilo → Sicurezza → Attiva OTP) e riprovi."); err != nil {
		t.Fatal(err)
	}
	var ticket int64
	if err := p.pool.Get(&ticket, `SELECT ticket_id FROM conversations WHERE id = $1`, conv); err != nil {
		t.Fatal(err)
	}

	shots := []screenshot{
		{screenshotFiles[0], "/help/?lang=it", "main h1", ""},
		{screenshotFiles[1], "/console/inbox", "main", "marco"},
		{screenshotFiles[2], fmt.Sprintf("/console/conversations/%d", conv), "main", "marco"},
		{screenshotFiles[3], fmt.Sprintf("/console/tickets/%d", ticket), "main", "marco"},
		{screenshotFiles[4], "/console/reports", "main", "paolo"},
	}
	b := webtest.Browser(t)
	tabs := map[string]context.Context{}
	for _, s := range shots {
		tctx, ok := tabs[s.as]
		if !ok {
			tctx = webtest.OpenTab(t, b)
			do(t, tctx, "window size", chromedp.EmulateViewport(shotWidth, shotHeight))
			if s.as != "" {
				do(t, tctx, "log in as "+s.as,
					chromedp.Navigate(p.ts.URL+"/console/login"),
					chromedp.WaitVisible(chromedp.ID("username")),
					chromedp.SendKeys(chromedp.ID("username"), s.as),
					chromedp.SendKeys(chromedp.ID("password"), passwordOf(s.as)),
					webtest.Submit(chromedp.Click(chromedp.ID("login"))),
					chromedp.WaitVisible(chromedp.ID("logout")))
			}
			tabs[s.as] = tctx
		}
		do(t, tctx, "open "+s.path, chromedp.Navigate(p.ts.URL+s.path), chromedp.WaitVisible(chromedp.CSS(s.ready)))
		if loc := value(t, tctx, "location", chromedp.Location()); loc != p.ts.URL+s.path {
			t.Fatalf("%s: the browser is at %s, want %s", s.file, loc, s.path)
		}
		// A desk PC's window holds every page without sideways scrolling.
		checkNoSidewaysOverflow(t, tctx, s.path)
		img := value(t, tctx, "screenshot of "+s.path, chromedp.CaptureScreenshot())
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil || cfg.Width != shotWidth || cfg.Height != shotHeight {
			t.Fatalf("%s: %dx%d PNG (%v), want %dx%d", s.file, cfg.Width, cfg.Height, err, shotWidth, shotHeight)
		}
		if err := os.WriteFile(filepath.Join(dir, s.file), img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s (%d KB)", s.file, s.path, len(img)>>10)
	}
}
