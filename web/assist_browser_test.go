// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"helpdesk/agents"
	"helpdesk/assist"
	"helpdesk/internal/llm/llmtest"
	"helpdesk/kb"
	"helpdesk/web/webtest"
)

const browserSuggestion = "Buongiorno, svuoti la cache del programma da Impostazioni, Avanzate, poi lo riapra"

var cacheEntryRevision = regexp.MustCompile(`id=cartella-cache revision=(\d+)`)

// In a real browser, with the real engine and the model behind the fake
// endpoint: the summary appears in place, the suggestion fills the reply
// box, the agent edits and sends it, and a failing model leaves a message
// and a working page.
func TestBrowserAssist(t *testing.T) {
	t.Parallel()
	b := webtest.Browser(t)
	fake := llmtest.New(t)
	fake.AnswerWith(func(c llmtest.Chat) string {
		if strings.Contains(c.System, "take over a conversation") {
			return "Problema: la cartella clinica si chiude aprendo un paziente.\nServe: una soluzione oggi."
		}
		if m := cacheEntryRevision.FindStringSubmatch(c.User); m != nil {
			return browserSuggestion + " [cartella-cache@" + m[1] + "]."
		}
		return "NO_ANSWER"
	})
	var searcher *kb.Searcher
	d := newDeskWith(t, func(o *Options) {
		o.Assist = assist.NewConsole(fake.Client(t, nil))
		searcher = o.Searcher
	})
	d.addUser("anna", agents.RoleAgentL1)
	conv := d.queue("chat-1")
	// The entry is published after the handoff, so the bot did not answer
	// with it; the agent's suggestion finds it.
	ctx := context.Background()
	if _, _, err := d.kb.Save(ctx, kb.Entry{ID: "cartella-cache", Kind: kb.KindFAQ, Lang: "it", Status: kb.StatusDraft,
		Audience: kb.AudiencePublic, Title: "Cartella clinica: il programma si chiude quando apro un paziente",
		Questions: []string{"il programma di cartella clinica si chiude da solo"},
		Body:      "Svuotare la cache del programma da Impostazioni > Avanzate, poi riaprirlo."}, "test", ""); err != nil {
		t.Fatal(err)
	}
	for _, to := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := d.kb.Transition(ctx, "cartella-cache", to, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := searcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	anna := d.agentTab(b, "anna")
	d.run(anna, "take",
		chromedp.Navigate(fmt.Sprintf("%s/console/conversations/%d", d.ts.URL, conv)),
		chromedp.WaitVisible(chromedp.ID("take")),
		webtest.Submit(chromedp.Click(chromedp.ID("take"))),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
	)
	if _, err := chromedp.Run(anna, chromedp.Evaluate[bool](`window.__noReload = true`)); err != nil {
		t.Fatal(err)
	}
	until := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(anna, webtest.Poll[bool](expr)); err != nil {
			d.fatal(anna, what, err)
		}
	}

	d.run(anna, "summary", chromedp.Click(chromedp.ID("assist-summarise")))
	until("summary shown", `document.getElementById("assist-summary-text").textContent.includes("si chiude aprendo un paziente")`)
	if meta := d.read(anna, "summary meta", chromedp.Text(chromedp.ID("assist-summary-meta"))); !strings.Contains(meta, "ANNA") {
		t.Errorf("summary meta %q, want who asked", meta)
	}
	if btn := d.read(anna, "summary button", chromedp.Text(chromedp.ID("assist-summarise"))); btn != "Aggiorna il riassunto" {
		t.Errorf("summary button %q after a summary, want Aggiorna il riassunto", btn)
	}

	d.run(anna, "suggest", chromedp.Click(chromedp.ID("assist-suggest")))
	until("suggestion in the reply box", `document.getElementById("reply-text").value.length > 0`)
	box := d.read(anna, "reply box", chromedp.Value(chromedp.ID("reply-text")))
	if box != browserSuggestion+"." {
		t.Fatalf("reply box %q, want the suggestion without its citation marker", box)
	}
	cited := d.read(anna, "sources", chromedp.Text(chromedp.ID("assist-cited")))
	if !strings.Contains(cited, "Cartella clinica: il programma si chiude") || !strings.Contains(cited, "cartella-cache@") {
		t.Errorf("sources %q, want the cited entry", cited)
	}
	same, err := chromedp.Run(anna, chromedp.Evaluate[bool](`window.__noReload === true`))
	if err != nil || !same {
		t.Fatal("the page reloaded instead of filling in place")
	}
	// The agent edits the proposal and sends it with the usual form.
	edited := strings.Replace(box, "Buongiorno,", "Buongiorno, sono Anna:", 1)
	// The page already shows the .flash of the take: wait for the page the
	// form leads to, or the Navigate below races the form's navigation.
	d.run(anna, "edit and send",
		chromedp.SetValue(chromedp.ID("reply-text"), edited),
		webtest.Submit(chromedp.Click(chromedp.ID("send-reply"))),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	d.waitReply("chat-1", "sono Anna: svuoti la cache")

	// The stored summary is shown on the next visit without a new call.
	d.run(anna, "reopen", chromedp.Navigate(fmt.Sprintf("%s/console/conversations/%d", d.ts.URL, conv)),
		chromedp.WaitVisible(chromedp.ID("assist-suggest")))
	if s := d.read(anna, "stored summary", chromedp.Text(chromedp.ID("assist-summary-text"))); !strings.Contains(s, "si chiude aprendo") {
		t.Errorf("stored summary %q", s)
	}
	summaries := 0
	for _, c := range fake.Chats() {
		if strings.Contains(c.System, "take over a conversation") {
			summaries++
		}
	}
	if summaries != 1 {
		t.Errorf("%d summary calls, want 1", summaries)
	}

	// The model goes down: a message, an untouched box, a page that works.
	fake.Fail(http.StatusInternalServerError)
	d.run(anna, "suggest while down",
		chromedp.SetValue(chromedp.ID("reply-text"), "testo mio"),
		chromedp.Click(chromedp.ID("assist-suggest")),
		chromedp.WaitVisible(chromedp.ID("assist-suggest-problem")),
	)
	if msg := d.read(anna, "problem", chromedp.Text(chromedp.ID("assist-suggest-problem"))); !strings.Contains(msg, "non è raggiungibile") {
		t.Errorf("problem %q", msg)
	}
	if box := d.read(anna, "reply box", chromedp.Value(chromedp.ID("reply-text"))); box != "testo mio" {
		t.Errorf("a failed suggestion changed the reply box to %q", box)
	}
	d.run(anna, "send after failure",
		webtest.Submit(chromedp.Click(chromedp.ID("send-reply"))),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	d.waitReply("chat-1", "testo mio")
}
