// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
	"helpdesk/assist"
	"helpdesk/internal/llm"
	"helpdesk/internal/llm/llmtest"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// Answers of the fake model, told apart by the instructions of each
// feature (internal/llm's prompts).
const (
	fakeSummary  = "Problema: il lettore non legge la tessera.\nGià provato: lettore-smartcard.\nServe: un tecnico."
	fakeSuggest  = "Estragga la tessera e la reinserisca con il chip verso l'alto"
	fakeFAQTitle = "Il lettore non legge la tessera"
)

var revisionOf = regexp.MustCompile(`id=lettore-smartcard revision=(\d+)`)

// fakeAnswers plays a well-behaved model: the suggestion cites the entry
// with the revision it was given.
func fakeAnswers(c llmtest.Chat) string {
	switch {
	case strings.Contains(c.System, "take over a conversation"):
		return fakeSummary
	case strings.Contains(c.System, "draft a reply"):
		m := revisionOf.FindStringSubmatch(c.User)
		if m == nil {
			return "NO_ANSWER"
		}
		return fakeSuggest + " [lettore-smartcard@" + m[1] + "]."
	case strings.Contains(c.System, "editors of a help-desk knowledge base"):
		return `{"title":"` + fakeFAQTitle + `","questions":["la tessera non viene letta"],"body":"1. Estrarre la tessera.\n2. Reinserirla con il chip verso l'alto."}`
	}
	return "?"
}

// assistDesk is a console on the knowledge base's test content (with an
// internal entry and a draft), a conversation held by agent anna and a
// ticket, and the language model behind the fake endpoint (none when
// fake is nil).
type assistDesk struct {
	*testConsole
	fake     *llmtest.Server
	kb       *kb.Store
	tickets  *tickets.Store
	convID   int64
	ticketID int64
}

func newAssistDesk(t *testing.T, fake *llmtest.Server, mod func(*llm.Config)) *assistDesk {
	t.Helper()
	ctx := context.Background()
	d := &assistDesk{fake: fake}
	tc := newTestConsole(t, func(o *Options) {
		o.EditorsReadTickets = true // the editor drafts FAQs from tickets
		store, err := kb.NewStore(o.Pool, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Import(ctx, "../kb/testdata/content", kb.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1})
		if err != nil {
			t.Fatal(err)
		}
		o.KB, o.Searcher, o.Handoff = store, searcher, &fakeHandoff{}
		if fake != nil {
			o.Assist = assist.NewConsole(fake.Client(t, mod))
		}
		d.kb = store
	})
	d.testConsole = tc
	anna := tc.addUser("anna", agents.RoleAgentL1)
	tc.addUser("elena", agents.RoleEditor)
	ts, err := tickets.NewStore(tickets.Options{Now: tc.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	d.tickets = ts
	tk, err := ts.Create(ctx, tc.pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Lettore tessera",
		Description: "Il lettore di tessere non legge la carta. Scrivetemi a anna.rossi@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	d.ticketID = tk.ID
	if err := tc.pool.Get(&d.convID, `INSERT INTO conversations (channel, conversation_key, state, level, agent_id, ticket_id, lang, context, created_at, updated_at, last_message_at)
		VALUES ('memory', 'k-assist', 'agent', 1, $1, $2, 'it', '{"query":"il lettore di tessere non legge la carta","tried":["lettore-smartcard"]}', now(), now(), now()) RETURNING id`,
		anna, tk.ID); err != nil {
		t.Fatal(err)
	}
	for i, m := range []struct{ dir, author, body string }{
		{"in", "u1", "il lettore di tessere non legge la carta, sono anna.rossi@example.org"},
		{"out", "bot", "Provi a verificare il driver del lettore."},
		{"in", "u1", "non funziona ancora: passate il ticket al secondo livello"},
	} {
		d.addMessage(t, fmt.Sprintf("m%d", i), m.dir, m.author, m.body)
	}
	return d
}

func (d *assistDesk) addMessage(t *testing.T, ext, dir, author, body string) {
	t.Helper()
	if _, err := d.pool.Exec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
		VALUES ($1, 'memory', $2, $3, $4, $5, now())`, d.convID, ext, dir, author, body); err != nil {
		t.Fatal(err)
	}
}

func (d *assistDesk) convPath(suffix string) string {
	return fmt.Sprintf("/console/conversations/%d%s", d.convID, suffix)
}

// postJSON posts a form as the page's script does, and decodes the answer.
// assistAnswer is the console's JSON answer to the assist buttons, as
// the page's script reads it.
type assistAnswer struct {
	OK    bool   `json:"ok"`
	Text  string `json:"text"`
	Meta  string `json:"meta"`
	Cited []struct {
		ID       string `json:"id"`
		Revision int    `json:"revision"`
		Title    string `json:"title"`
		URL      string `json:"url"`
	} `json:"cited"`
	Problem string `json:"problem"`
}

func postJSON(t *testing.T, c *client, path string) (int, assistAnswer) {
	t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(url.Values{"csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	code, body, _ := c.do(req)
	var res assistAnswer
	if code == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatalf("%s: %v in %q", path, err, body)
		}
	}
	return code, res
}

func TestAssistSummary(t *testing.T) {
	t.Parallel()
	fake := llmtest.New(t)
	fake.AnswerWith(fakeAnswers)
	d := newAssistDesk(t, fake, nil)
	anna := d.login("anna")

	_, page, _ := anna.get(d.convPath(""))
	if !strings.Contains(page, `id="assist-summarise"`) || strings.Contains(page, "Già provato") {
		t.Fatalf("before: want the Summary button and no summary:\n%s", page)
	}
	code, _, hdr := anna.post(d.convPath("/summary"), nil)
	if code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "flash=flash.summarised") {
		t.Fatalf("summary: %d to %q", code, hdr.Get("Location"))
	}
	for range 2 { // shown from the table: the model is not asked again
		_, page, _ = anna.get(d.convPath(""))
		if !strings.Contains(page, "Già provato: lettore-smartcard.") || !strings.Contains(page, "su richiesta di ANNA") {
			t.Fatalf("after: the summary is not shown:\n%s", page)
		}
	}
	chats := fake.Chats()
	if len(chats) != 1 {
		t.Fatalf("%d calls to the model, want 1 (the page shows the stored summary)", len(chats))
	}
	if strings.Contains(chats[0].User, "anna.rossi@example.org") || !strings.Contains(chats[0].User, "non funziona ancora") {
		t.Errorf("the prompt should hold the conversation, masked:\n%s", chats[0].User)
	}
	if strings.Contains(page, "Dopo il riassunto") {
		t.Error("a fresh summary is marked stale")
	}
	d.addMessage(t, "m-late", "in", "u1", "ci siete?")
	if _, page, _ = anna.get(d.convPath("")); !strings.Contains(page, "Dopo il riassunto sono arrivati altri messaggi.") {
		t.Error("a summary older than the last message is not marked stale")
	}
	// The script's path: the summary comes back as JSON, in English here.
	code, res := postJSON(t, anna, d.convPath("/summary?lang=en"))
	if code != http.StatusOK || !res.OK || res.Text != fakeSummary || !strings.Contains(res.Meta, "Written by the language model") {
		t.Errorf("JSON summary: %d %+v", code, res)
	}
	var lang string
	if err := d.pool.Get(&lang, `SELECT lang FROM conversation_summaries WHERE conversation_id = $1`, d.convID); err != nil {
		t.Fatal(err)
	}
	if lang != "en" {
		t.Errorf("stored summary language %q, want en (the agent's)", lang)
	}
	// Anonymising the conversation drops its summary.
	if _, err := d.pool.Exec(`INSERT INTO anonymised (kind, id, at) VALUES ('conversation', $1, now())`, d.convID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.pool.Get(&n, `SELECT count(*) FROM conversation_summaries`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d summaries left after anonymisation", n)
	}
}

func TestAssistSuggest(t *testing.T) {
	t.Parallel()
	fake := llmtest.New(t)
	fake.AnswerWith(fakeAnswers)
	d := newAssistDesk(t, fake, nil)
	anna := d.login("anna")

	code, res := postJSON(t, anna, d.convPath("/suggest"))
	if code != http.StatusOK || !res.OK || !strings.HasPrefix(res.Text, fakeSuggest) || strings.Contains(res.Text, "[") {
		t.Fatalf("suggestion: %d %+v", code, res)
	}
	if len(res.Cited) != 1 || res.Cited[0].ID != "lettore-smartcard" || res.Cited[0].Title != "Il lettore non riconosce la smart card" ||
		res.Cited[0].URL != "/help/a/lettore-smartcard" {
		t.Errorf("citations %+v", res.Cited)
	}
	prompt := fake.Chats()[0].User
	if !strings.Contains(prompt, "id=lettore-smartcard") {
		t.Errorf("the entry found is not in the prompt:\n%s", prompt)
	}
	for _, hidden := range []string{"procedura-interna-escalation", "bozza-pec", "anna.rossi@example.org"} {
		if strings.Contains(prompt, hidden) {
			t.Errorf("%s reached the model (internal, draft or personal)", hidden)
		}
	}
	// Without script the page comes back with the reply box filled and
	// the sources listed; nothing was sent to the user.
	code, page, _ := anna.post(d.convPath("/suggest"), nil)
	if code != http.StatusOK {
		t.Fatalf("form suggestion: %d", code)
	}
	box := regexp.MustCompile(`(?s)<textarea id="reply-text"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
	if box == nil || !strings.HasPrefix(box[1], "Estragga la tessera") {
		t.Errorf("reply box %q, want the suggestion", box)
	}
	if !strings.Contains(page, `href="/help/a/lettore-smartcard"`) {
		t.Error("the page does not list the cited entry")
	}
	var sent int
	if err := d.pool.Get(&sent, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'out' AND author <> 'bot'`, d.convID); err != nil {
		t.Fatal(err)
	}
	if sent != 0 {
		t.Errorf("a suggestion sent %d messages by itself", sent)
	}
}

// Whatever goes wrong with the model, the console says why (Italian and
// English), answers quickly and the page keeps working.
// emptyReplyBox is the conversation page's reply box with nothing in it.
var emptyReplyBox = regexp.MustCompile(`<textarea id="reply-text" name="text"[^>]*></textarea>`)

func TestAssistModelFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		setup   func(*llmtest.Server)
		mod     func(*llm.Config)
		spend   int // calls made first, to use up the budget
		problem string
		it, en  string
		reached bool // the request reaches the endpoint
		// What a suggestion says, when not the same.
		suggestIT, suggestEN string
	}{
		{"endpoint fails", func(f *llmtest.Server) { f.Fail(http.StatusInternalServerError) }, nil, 0,
			"assist.unavailable", "non è raggiungibile", "cannot be reached", true, "", ""},
		{"rate limited", func(f *llmtest.Server) { f.Fail(http.StatusTooManyRequests) }, nil, 0,
			"assist.unavailable", "non è raggiungibile", "cannot be reached", true, "", ""},
		{"too slow", func(f *llmtest.Server) { f.Delay(5 * time.Second) },
			func(c *llm.Config) { c.Timeout = 300 * time.Millisecond }, 0,
			"assist.timeout", "non ha risposto in tempo", "did not answer in time", true, "", ""},
		{"budget spent", func(*llmtest.Server) {}, func(c *llm.Config) { c.PerMinute = 1 }, 1,
			"assist.budget", "esaurito le richieste", "used up this minute", false, "", ""},
		{"answer thrown away", func(f *llmtest.Server) {
			f.Answer("Ecco le istruzioni interne e il ticket HD-2026-000777 di un altro utente.")
		}, nil, 0, "assist.unusable", "è stata scartata", "was discarded", true,
			"non ha trovato nella base di conoscenza", "found no answer to propose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.suggestIT == "" {
				tt.suggestIT, tt.suggestEN = tt.it, tt.en
			}
			fake := llmtest.New(t)
			fake.AnswerWith(fakeAnswers)
			d := newAssistDesk(t, fake, tt.mod)
			anna := d.login("anna")
			for range tt.spend {
				if code, res := postJSON(t, anna, d.convPath("/summary")); code != http.StatusOK || !res.OK {
					t.Fatalf("spending the budget: %d %+v", code, res)
				}
			}
			tt.setup(fake)
			before := len(fake.Chats())
			start := time.Now()
			code, res := postJSON(t, anna, d.convPath("/summary"))
			if code != http.StatusOK || res.OK || !strings.Contains(res.Problem, tt.it) {
				t.Errorf("JSON summary: %d %+v, want the Italian %q", code, res, tt.it)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("the console waited %s for a failing model", el)
			}
			code, res = postJSON(t, anna, d.convPath("/suggest?lang=en"))
			if code != http.StatusOK || res.OK || res.Text != "" || !strings.Contains(res.Problem, tt.suggestEN) {
				t.Errorf("JSON suggestion: %d %+v, want the English %q", code, res, tt.suggestEN)
			}
			if reached := len(fake.Chats()) > before; reached != tt.reached {
				t.Errorf("the endpoint was reached: %v, want %v", reached, tt.reached)
			}
			// Without script: back to the page, which says why and works.
			code, _, hdr := anna.post(d.convPath("/summary"), nil)
			loc := hdr.Get("Location")
			if code != http.StatusSeeOther || !strings.Contains(loc, "problem="+tt.problem) {
				t.Fatalf("form summary: %d to %q", code, loc)
			}
			for lang, want := range map[string]string{"it": tt.it, "en": tt.en} {
				code, page, _ := anna.get(loc + "&lang=" + lang)
				if code != http.StatusOK || !strings.Contains(page, want) || !strings.Contains(page, `id="send-reply"`) {
					t.Errorf("page after a failed summary (%s): %d, want %q and the reply form", lang, code, want)
				}
			}
			code, page, _ := anna.post(d.convPath("/suggest?lang=it"), nil)
			if code != http.StatusOK || !strings.Contains(page, tt.suggestIT) || !emptyReplyBox.MatchString(page) {
				t.Errorf("form suggestion: %d, want %q and an empty reply box", code, tt.suggestIT)
			}
			_, metrics, _ := d.client().get("/metrics")
			want := fmt.Sprintf(`helpdesk_console_assist_total{feature="summary",outcome="%s"} 2`, strings.TrimPrefix(tt.problem, "assist."))
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %s", want)
			}
		})
	}
}

func TestAssistNoModel(t *testing.T) {
	t.Parallel()
	d := newAssistDesk(t, nil, nil)
	resolveTicket(t, d)
	anna, elena := d.login("anna"), d.login("elena")
	for lang, want := range map[string]string{"it": "su questo server non è configurato", "en": "none is configured on this server"} {
		_, page, _ := anna.get(d.convPath("?lang=" + lang))
		if strings.Contains(page, `id="assist-summarise"`) || strings.Contains(page, `id="assist-suggest"`) {
			t.Errorf("%s: model buttons shown with no model", lang)
		}
		if !strings.Contains(page, want) || !strings.Contains(page, `id="send-reply"`) {
			t.Errorf("%s: want the explanation %q and the reply form", lang, want)
		}
		_, page, _ = elena.get(fmt.Sprintf("/console/tickets/%d?lang=%s", d.ticketID, lang))
		if strings.Contains(page, `id="draft-faq-assist"`) || !strings.Contains(page, want) || !strings.Contains(page, `id="draft-faq"`) {
			t.Errorf("%s: the ticket page should offer the plain FAQ draft and explain the missing model", lang)
		}
	}
	// A stale form still gets a clean answer, not an error page.
	code, _, hdr := anna.post(d.convPath("/summary"), nil)
	if code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "problem=assist.off") {
		t.Errorf("summary with no model: %d to %q", code, hdr.Get("Location"))
	}
	if code, res := postJSON(t, anna, d.convPath("/suggest")); code != http.StatusOK || res.OK || res.Problem == "" {
		t.Errorf("suggestion with no model: %d %+v", code, res)
	}
	code, _, hdr = elena.post(fmt.Sprintf("/console/tickets/%d/faq/assist", d.ticketID), nil)
	if code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "problem=assist.off") {
		t.Errorf("FAQ draft with no model: %d to %q", code, hdr.Get("Location"))
	}
}

// resolveTicket resolves the desk's ticket after a public reply and an
// internal note, as an agent would.
func resolveTicket(t *testing.T, d *assistDesk) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.tickets.AddComment(ctx, d.pool, d.ticketID, "user:anna", false, "Driver del lettore reinstallato dal pannello di controllo."); err != nil {
		t.Fatal(err)
	}
	if _, err := d.tickets.Transition(ctx, d.pool, d.ticketID, "user:anna", tickets.StateOpen); err != nil {
		t.Fatal(err)
	}
	if _, err := d.tickets.Resolve(ctx, d.pool, d.ticketID, "user:anna", "solved", "Tessera reinserita con il chip verso l'alto."); err != nil {
		t.Fatal(err)
	}
}

func TestAssistFAQDraft(t *testing.T) {
	t.Parallel()
	fake := llmtest.New(t)
	fake.AnswerWith(fakeAnswers)
	d := newAssistDesk(t, fake, nil)
	elena := d.login("elena")
	path := fmt.Sprintf("/console/tickets/%d/faq/assist", d.ticketID)

	// Not yet resolved: refused, and the model is not asked.
	if code, _, _ := elena.post(path, nil); code != http.StatusConflict {
		t.Errorf("draft from an open ticket: %d, want 409", code)
	}
	resolveTicket(t, d)
	_, page, _ := elena.get(fmt.Sprintf("/console/tickets/%d", d.ticketID))
	if !strings.Contains(page, `id="draft-faq-assist"`) {
		t.Fatal("no model FAQ button on a resolved ticket")
	}
	// The model fails: back to the ticket, saying why; nothing saved.
	fake.Fail(http.StatusInternalServerError)
	code, _, hdr := elena.post(path, nil)
	if code != http.StatusSeeOther || hdr.Get("Location") != fmt.Sprintf("/console/tickets/%d?problem=assist.unavailable", d.ticketID) {
		t.Fatalf("failed draft: %d to %q", code, hdr.Get("Location"))
	}
	if _, page, _ := elena.get(hdr.Get("Location")); !strings.Contains(page, "non è raggiungibile") {
		t.Error("the ticket page does not say the model is unreachable")
	}
	if len(fake.Chats()) != 1 {
		t.Errorf("%d calls, want 1 (none for the open ticket)", len(fake.Chats()))
	}
	fake.AnswerWith(fakeAnswers)
	code, _, hdr = elena.post(path, nil)
	want := "/console/kb/draft-il-lettore-non-legge-la-tessera?flash=flash.drafted_llm"
	if code != http.StatusSeeOther || hdr.Get("Location") != want {
		t.Fatalf("draft: %d to %q, want %q", code, hdr.Get("Location"), want)
	}
	e, err := d.kb.Get(context.Background(), "draft-il-lettore-non-legge-la-tessera")
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != kb.StatusDraft || e.Title != fakeFAQTitle || e.Audience != kb.AudiencePublic {
		t.Errorf("entry %+v, want a public draft", e)
	}
	prompt := fake.Chats()[len(fake.Chats())-1].User
	for _, part := range []string{"Driver del lettore reinstallato", "chip verso l'alto"} {
		if !strings.Contains(prompt, part) {
			t.Errorf("the resolution %q is not in the prompt", part)
		}
	}
	if strings.Contains(prompt, "anna.rossi@example.org") {
		t.Error("the requester's address reached the model")
	}
	if _, page, _ := elena.get(want); !strings.Contains(page, "non pubblicata") || !strings.Contains(page, fakeFAQTitle) {
		t.Error("the editor page does not open the draft with its notice")
	}
	// The help centre does not show a draft.
	if code, _, _ := d.client().get("/help/a/draft-il-lettore-non-legge-la-tessera"); code != http.StatusNotFound {
		t.Errorf("help centre shows the draft: %d", code)
	}
	// A second draft from the same ticket gets an id of its own.
	if _, _, hdr = elena.post(path, nil); !strings.Contains(hdr.Get("Location"), "/console/kb/draft-il-lettore-non-legge-la-tessera-2?") {
		t.Errorf("second draft went to %q", hdr.Get("Location"))
	}
}
