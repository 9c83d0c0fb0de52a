// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	chromekb "github.com/chromedp/chromedp/kb"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/kb"
	"helpdesk/web/webtest"
)

// TestBrowserConsolePages walks the agents' console as its people use it —
// a conversation the bot handed over (a guide picked, a person asked
// for), taken, answered and resolved; its ticket; the reports; the
// knowledge-base editor — and checks every page with axe-core (0 WCAG 2.1
// A/AA violations) and that the conversation, ticket and report pages
// show words, never the machine's keys or raw Markdown.
func TestBrowserConsolePages(t *testing.T) {
	t.Parallel()
	b := webtest.Browser(t)
	var searcher *kb.Searcher
	d := newDeskWith(t, func(o *Options) { searcher = o.Searcher })
	ctx := context.Background()
	for _, u := range []agents.NewUser{
		{Username: "marco", DisplayName: "Marco Rossi", Role: agents.RoleAgentL1},
		{Username: "sara", DisplayName: "Sara Verdi", Role: agents.RoleSupervisor},
		{Username: "elena", DisplayName: "Elena Neri", Role: agents.RoleEditor},
		{Username: "ada", DisplayName: "Ada Conti", Role: agents.RoleAdmin},
	} {
		u.Password = passwordOf(u.Username)
		if _, err := d.users.Add(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range []kb.Entry{
		{ID: "cartella-cache", Title: "Cartella clinica: il programma si chiude quando apro un paziente",
			Questions: []string{"il programma di cartella clinica si chiude da solo quando apro un paziente"},
			Body:      "Apri **Impostazioni** > *Avanzate* e premi **Svuota cache**, poi riapri il programma."},
		{ID: "cartella-stampa", Title: "Cartella clinica: la stampa del referto non parte",
			Questions: []string{"la cartella clinica non stampa il referto"}, Body: "Controlla la stampante predefinita in **Impostazioni**."},
	} {
		e.Kind, e.Lang, e.Status, e.Audience = kb.KindFAQ, "it", kb.StatusDraft, kb.AudiencePublic
		if _, _, err := d.kb.Save(ctx, e, "test", ""); err != nil {
			t.Fatal(err)
		}
		for _, to := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
			if _, err := d.kb.Transition(ctx, e.ID, to, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := searcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	// The user: a vague question, a guide picked from the bot's list, then
	// "Parla con un operatore" — the ticket opens and the chat is queued.
	res := d.say("chat-7", "problema con la cartella clinica")
	press := func(bare string) {
		t.Helper()
		for _, r := range res.Replies {
			for _, btn := range r.Buttons {
				if bots.ActionOf(btn.Action) == bare {
					res = d.say("chat-7", "["+btn.Action+"]")
					return
				}
			}
		}
		t.Fatalf("the bot offered no %s button: %+v", bare, res.Replies)
	}
	press("pick:cartella-cache")
	press("menu:human")
	description := "Da stamattina si chiude quando apro un paziente, ho già svuotato la cache"
	res = d.say("chat-7", description)
	conv := res.ConversationID
	var ticketID int64
	if err := d.pool.Get(&ticketID, `SELECT ticket_id FROM conversations WHERE id = $1 AND state = 'queued'`, conv); err != nil {
		t.Fatalf("the conversation is not queued with a ticket: %v", err)
	}

	t.Run("login", func(t *testing.T) {
		anon := webtest.OpenTab(t, b)
		d.run(anon, "login page", chromedp.Navigate(d.ts.URL+"/console/login?lang=it"), chromedp.WaitVisible(chromedp.ID("username")))
		if title := d.read(anon, "title", chromedp.Title()); !strings.Contains(title, "Console dell'help desk") {
			t.Errorf("login page title %q, want the console's Italian name", title)
		}
		checkA11y(t, anon, "login")
	})

	marco := d.agentTab(b, "marco")
	d.run(marco, "a desktop window", chromedp.EmulateViewport(1280, 900))
	convURL := fmt.Sprintf("%s/console/conversations/%d", d.ts.URL, conv)
	d.run(marco, "inbox", chromedp.Navigate(d.ts.URL+"/console/inbox"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-conv="%d"]`, conv))))
	checkA11y(t, marco, "inbox")
	d.run(marco, "take",
		chromedp.Navigate(convURL), chromedp.WaitVisible(chromedp.ID("take")),
		webtest.Submit(chromedp.Click(chromedp.ID("take"))), chromedp.WaitVisible(chromedp.ID("reply-text")))
	// Ctrl+Enter sends, as the hint under the box says.
	d.run(marco, "reply with Ctrl+Enter",
		chromedp.SendKeys(chromedp.ID("reply-text"), "Buongiorno, provi a **riavviare** il PC e mi dica."),
		webtest.Submit(chromedp.KeyEvent(chromekb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl))),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	d.waitReply("chat-7", "riavviare")

	t.Run("conversation", func(t *testing.T) {
		checkA11y(t, marco, "conversation")
		checkNoRawText(t, marco, "conversation")
		history := d.read(marco, "history", chromedp.InnerHTML(chromedp.ID("messages")))
		for _, want := range []string{
			"ha premuto «Cartella clinica: il programma si chiude quando apro un paziente»",
			"ha premuto «Parla con un operatore»",
			"<strong>Impostazioni</strong>", "<strong>riavviare</strong>", "Marco Rossi",
		} {
			if !strings.Contains(history, want) {
				t.Errorf("the history lacks %q:\n%s", want, history)
			}
		}
		side := d.read(marco, "left column", chromedp.Text(chromedp.CSS(".conv-side")))
		if strings.Contains(side, "Svuota cache") || strings.Contains(side, "Intendevi") {
			t.Errorf("the side column repeats the bot's replies:\n%s", side)
		}
		// The pane shows the newest message (the agent's reply, just sent)
		// and the composer is in the window, without scrolling.
		inView, err := chromedp.Run(marco, chromedp.Evaluate[string](`(function(){
			var pane = document.getElementById("messages-pane").getBoundingClientRect();
			var items = document.querySelectorAll("#messages > li"), last = items[items.length-1].getBoundingClientRect();
			var send = document.getElementById("send-reply").getBoundingClientRect();
			var box = document.getElementById("reply-text").getBoundingClientRect();
			var out = [];
			if (last.bottom > pane.bottom + 1 || last.top < pane.top - 1) out.push("newest message outside the pane");
			if (send.bottom > window.innerHeight || box.top < 0) out.push("composer out of view");
			if (pane.height < 200) out.push("pane only " + pane.height + "px high");
			return out.join("; ");
		})()`))
		if err != nil || inView != "" {
			t.Errorf("messages pane: %q (%v)", inView, err)
		}
		// The window grows: so does the pane.
		before, _ := chromedp.Run(marco, chromedp.Evaluate[float64](`document.getElementById("messages-pane").getBoundingClientRect().height`))
		d.run(marco, "a taller window", chromedp.EmulateViewport(1280, 1200))
		after, _ := chromedp.Run(marco, chromedp.Evaluate[float64](`document.getElementById("messages-pane").getBoundingClientRect().height`))
		if after < before+200 {
			t.Errorf("the pane is %.0f px in a 900 px window and %.0f px in a 1200 px one: it does not grow", before, after)
		}
		d.run(marco, "back to the desktop window", chromedp.EmulateViewport(1280, 900))
	})

	d.run(marco, "resolve",
		chromedp.SetValue(chromedp.ID("conv-closure-code"), "workaround"),
		chromedp.SendKeys(chromedp.ID("conv-closure-note"), "Cache svuotata a mano"),
		webtest.Submit(chromedp.Click(chromedp.ID("resolve"))), chromedp.WaitVisible(chromedp.CSS(".flash")))

	t.Run("ticket", func(t *testing.T) {
		d.run(marco, "ticket", chromedp.Navigate(fmt.Sprintf("%s/console/tickets/%d", d.ts.URL, ticketID)), chromedp.WaitVisible(chromedp.ID("timeline")))
		checkA11y(t, marco, "ticket")
		checkNoRawText(t, marco, "ticket")
		timeline := d.read(marco, "timeline", chromedp.Text(chromedp.ID("timeline")))
		for _, want := range []string{"Marco Rossi", "ha preso in carico", "Stato: nuovo → aperto", "L'assistente (bot)",
			"Codice di chiusura: (vuoto) → Aggirato (soluzione temporanea)"} {
			if !strings.Contains(timeline, want) {
				t.Errorf("the timeline lacks %q:\n%s", want, timeline)
			}
		}
		if desc := d.read(marco, "description", chromedp.Text(chromedp.ID("ticket-description"))); strings.Contains(desc, "KB") ||
			strings.Contains(desc, "severity") || strings.Contains(desc, "urgency") {
			t.Errorf("the description carries the bot's debug text: %q", desc)
		}
		panel := d.read(marco, "assessment", chromedp.Text(chromedp.ID("assessment")))
		for _, want := range []string{"Valutazione del bot", "Urgenza", "Impatto", "affidabilità", "Cartella clinica: il programma si chiude"} {
			if !strings.Contains(panel, want) {
				t.Errorf("the assessment panel lacks %q:\n%s", want, panel)
			}
		}
		if c := d.read(marco, "closure", chromedp.Text(chromedp.ID("ticket-closure"))); !strings.Contains(c, "Aggirato (soluzione temporanea)") {
			t.Errorf("closure shown as %q, want its label", c)
		}
		for _, p := range []struct{ name, path, wait string }{
			{"tickets", "/console/tickets", "tickets"},
			{"new contact", "/console/contacts/new", "contact-form"},
			{"notifications", "/console/notifications", "notif-block"},
		} {
			d.run(marco, p.name, chromedp.Navigate(d.ts.URL+p.path), chromedp.WaitVisible(chromedp.ID(p.wait)))
			checkA11y(t, marco, p.name)
		}
	})

	t.Run("reports", func(t *testing.T) {
		sara := d.agentTab(b, "sara")
		d.run(sara, "canned responses", chromedp.Navigate(d.ts.URL+"/console/canned"), chromedp.WaitVisible(chromedp.ID("cbody")))
		checkA11y(t, sara, "canned responses")
		d.run(sara, "reports", chromedp.Navigate(d.ts.URL+"/console/reports"), chromedp.WaitVisible(chromedp.ID("table-volumes")))
		checkA11y(t, sara, "reports")
		checkNoRawText(t, sara, "reports")
		checkReportWords(t, d, sara, "reports")
		d.run(sara, "printable report", chromedp.Navigate(d.ts.URL+"/console/reports/print"), chromedp.WaitVisible(chromedp.ID("table-volumes")))
		checkA11y(t, sara, "printable report")
		checkNoRawText(t, sara, "printable report")
		checkReportWords(t, d, sara, "printable report")
		// On A4 paper (210 mm less 15 mm margins a side: 680 CSS px) nothing
		// runs off the page's width.
		d.run(sara, "print media on A4",
			chromedp.EmulateViewport(680, 960),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
				return err
			}))
		if over := d.read(sara, "overflow", chromedp.Evaluate[string](`(function(){
			var w = document.documentElement.clientWidth, out = [];
			document.querySelectorAll("body *").forEach(function(el){
				var r = el.getBoundingClientRect();
				if (r.width > 0 && r.right > w + 1) out.push(el.tagName + (el.id ? "#" + el.id : "") + " " + Math.round(r.right));
			});
			return out.slice(0, 5).join(", ");
		})()`)); over != "" {
			t.Errorf("the printable report is wider than A4: %s", over)
		}
	})

	t.Run("users", func(t *testing.T) {
		ada := d.agentTab(b, "ada")
		d.run(ada, "users", chromedp.Navigate(d.ts.URL+"/console/admin/users"), chromedp.WaitVisible(chromedp.CSS("main table")))
		checkA11y(t, ada, "users")
	})

	t.Run("knowledge base editor", func(t *testing.T) {
		elena := d.agentTab(b, "elena")
		for _, p := range []struct{ name, path, wait string }{
			{"knowledge base", "/console/kb", "kb-list"},
			{"new entry", "/console/kb/new", "kb-id"},
			{"entry editor", "/console/kb/cartella-cache", "kb-title"},
			{"entry history", "/console/kb/cartella-cache/history", "main"},
		} {
			d.run(elena, p.name, chromedp.Navigate(d.ts.URL+p.path), chromedp.WaitVisible(chromedp.ID(p.wait)))
			checkA11y(t, elena, p.name)
		}
	})
}

// reportRawKeys are the report's machine keys and dot decimals that must
// not reach an Italian page.
var reportRawKeys = regexp.MustCompile(`take_charge|first_response|resolution|\bcategory\b|\bchannel\b|\bpriority\b|\d\.\d+\s?%|(^|\s)–(\s|$)`)

// checkReportWords: the Italian report names every key and writes numbers
// the Italian way, and an empty category is named.
func checkReportWords(t *testing.T, d *desk, tab context.Context, page string) {
	t.Helper()
	text := d.read(tab, page, chromedp.Evaluate[string](`document.querySelector("main, body").innerText`))
	for _, line := range strings.Split(text, "\n") {
		if m := reportRawKeys.FindString(line); m != "" {
			t.Errorf("%s shows %q: %q", page, m, strings.TrimSpace(line))
		}
	}
	for _, want := range []string{"Senza categoria", "Canale", "Ticket per categoria"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q", page, want)
		}
	}
}
