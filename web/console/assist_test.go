// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"helpdesk/agents"
	"helpdesk/assist"
	"helpdesk/bots"
	"helpdesk/internal/llm"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// scriptedModel is the language model as the console calls it: it answers
// what the test set, or fails with err, and keeps what it was asked.
type scriptedModel struct {
	mu      sync.Mutex
	err     error
	text    string
	cited   []assist.Citation
	draft   kb.Entry
	turns   []assist.Turn
	sources []assist.Source
	ticket  assist.ResolvedTicket
}

func (m *scriptedModel) Summarise(_ context.Context, lang string, _ bots.Summary, turns []assist.Turn) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.turns = turns
	return m.text + " (" + lang + ")", m.err
}

func (m *scriptedModel) Suggest(_ context.Context, _ string, turns []assist.Turn, sources []assist.Source) (assist.Suggestion, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.turns, m.sources = turns, sources
	return assist.Suggestion{Text: m.text, Cited: m.cited}, m.err
}

func (m *scriptedModel) DraftFAQ(_ context.Context, t assist.ResolvedTicket) (kb.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ticket = t
	return m.draft, m.err
}

// TestAssistProblem: each way the model fails is a message of the
// catalogue, in both languages.
func TestAssistProblem(t *testing.T) {
	t.Parallel()
	for err, want := range map[error]string{
		llm.ErrDisabled: "assist.off", fmt.Errorf("x: %w", llm.ErrBudget): "assist.budget", llm.ErrTimeout: "assist.timeout",
		context.DeadlineExceeded: "assist.timeout", errNoSources: "assist.no_sources", assist.ErrUngrounded: "assist.ungrounded",
		llm.ErrBadResponse: "assist.unusable", assist.ErrLeak: "assist.unusable", errors.New("connection refused"): "assist.unavailable",
	} {
		got := assistProblem(err)
		if got != want || Text[got]["it"] == "" || Text[got]["en"] == "" {
			t.Errorf("%v: %q, want %q in both languages", err, got, want)
		}
	}
}

// assistDesk is a console with a scripted model, a published public entry
// the suggestions can rest on, and a conversation held by anna.
type assistDesk struct {
	*testDesk
	model *scriptedModel
	reg   *prometheus.Registry
	anna  *agents.Session
	conv  int64
}

func newAssistDesk(t *testing.T, model *scriptedModel) *assistDesk {
	t.Helper()
	ctx := context.Background()
	a := &assistDesk{model: model, reg: prometheus.NewRegistry()}
	var searchErr error
	a.testDesk = newTestDesk(t, func(o *Options) {
		store, err := kb.NewStore(o.Pool, o.Now)
		if err != nil {
			t.Fatal(err)
		}
		publishEntry(t, store, kb.Entry{ID: "lettore-smartcard", Kind: kb.KindFAQ, Lang: "it", Audience: kb.AudiencePublic,
			Title: "Il lettore non riconosce la smart card", Body: "Reinstallare il driver del lettore.", Questions: []string{"il lettore di tessere non legge la carta"}})
		o.KB, o.Registry = store, a.reg
		o.Searcher, searchErr = kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1})
		if model != nil {
			o.Assist = model
		}
	})
	if searchErr != nil {
		t.Fatal(searchErr)
	}
	a.anna = a.session("anna", agents.RoleAgentL1)
	if err := a.pool.Get(&a.conv, `INSERT INTO conversations (channel, conversation_key, state, level, agent_id, lang, context, created_at, updated_at, last_message_at)
		VALUES ('memory', 'k-assist', 'agent', 1, $1, 'it', '{"query":"il lettore di tessere non legge la carta"}', now(), now(), now()) RETURNING id`, a.anna.ID); err != nil {
		t.Fatal(err)
	}
	a.message(t, "in", "il lettore di tessere non legge la carta")
	return a
}

func (a *assistDesk) message(t *testing.T, dir, body string) {
	t.Helper()
	if _, err := a.pool.Exec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
		VALUES ($1, 'memory', md5(random()::text), $2, 'u1', $3, now())`, a.conv, dir, body); err != nil {
		t.Fatal(err)
	}
}

// post sends the button's form as the page's script does (JSON) or as a
// plain form.
func (a *assistDesk) post(t *testing.T, action string, h http.HandlerFunc, asJSON bool) (int, assistResult, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("POST /console/conversations/{id}/"+action, h)
	target := fmt.Sprintf("/console/conversations/%d/%s", a.conv, action)
	r := httptest.NewRequest("POST", target, strings.NewReader(""))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if asJSON {
		r.Header.Set("Accept", "application/json")
	}
	r = r.WithContext(a.c.withSession(r.Context(), a.anna))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	var res assistResult
	if asJSON {
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatalf("%s: %v\n%s", action, err, w.Body.String())
		}
	}
	return w.Code, res, w.Header().Get("Location")
}

// TestConvSummary: the model's summary is shown and stored (the page says
// when newer messages make it stale); a failure says why, in the script's
// answer or on the page; each outcome is counted.
func TestConvSummary(t *testing.T) {
	t.Parallel()
	model := &scriptedModel{text: "Lettore guasto"}
	a := newAssistDesk(t, model)
	code, res, _ := a.post(t, "summary", a.c.ConvSummary, true)
	if code != http.StatusOK || !res.OK || res.Text != "Lettore guasto (it)" || !strings.Contains(res.Meta, "ANNA") {
		t.Fatalf("summary: %d %+v", code, res)
	}
	if len(model.turns) != 1 || model.turns[0].Text != "il lettore di tessere non legge la carta" {
		t.Errorf("the model read %+v", model.turns)
	}
	var last int64
	if err := a.pool.Get(&last, `SELECT max(id) FROM messages`); err != nil {
		t.Fatal(err)
	}
	p, err := a.c.assistPanelFor(context.Background(), a.conv, last)
	if err != nil || !p.On || p.Summary == nil || p.Summary.Body != "Lettore guasto (it)" || p.Stale {
		t.Fatalf("panel %+v, %v", p, err)
	}
	if p, _ := a.c.assistPanelFor(context.Background(), a.conv, last+1); !p.Stale {
		t.Error("a newer message does not make the summary stale")
	}
	model.err = fmt.Errorf("openai: %w", llm.ErrBudget)
	if code, res, _ := a.post(t, "summary", a.c.ConvSummary, true); code != http.StatusOK || res.OK || res.Problem != Text.T("it", "assist.budget") {
		t.Errorf("budget: %d %+v", code, res)
	}
	if code, _, loc := a.post(t, "summary", a.c.ConvSummary, false); code != http.StatusSeeOther ||
		loc != fmt.Sprintf("/console/conversations/%d?problem=assist.budget", a.conv) {
		t.Errorf("budget without script: %d %s", code, loc)
	}
	if n := testutil.ToFloat64(a.c.assistOut.WithLabelValues("summary", "ok")); n != 1 {
		t.Errorf("ok counted %v times", n)
	}
	if n := testutil.ToFloat64(a.c.assistOut.WithLabelValues("summary", "budget")); n != 2 {
		t.Errorf("budget counted %v times", n)
	}
	off := newAssistDesk(t, nil)
	if _, res, _ := off.post(t, "summary", off.c.ConvSummary, true); res.Problem != Text.T("it", "assist.off") {
		t.Errorf("no model: %+v", res)
	}
}

// TestConvSuggest: a reply drafted from the published public entries that
// match the conversation, its citations by title; none match: no call.
func TestConvSuggest(t *testing.T) {
	t.Parallel()
	model := &scriptedModel{text: "Reinstalli il driver.", cited: []assist.Citation{{ID: "lettore-smartcard", Revision: 1}}}
	a := newAssistDesk(t, model)
	code, res, _ := a.post(t, "suggest", a.c.ConvSuggest, true)
	if code != http.StatusOK || !res.OK || res.Text != "Reinstalli il driver." || len(res.Cited) != 1 ||
		res.Cited[0] != (citedEntry{ID: "lettore-smartcard", Revision: 1, Title: "Il lettore non riconosce la smart card", URL: "/help/a/lettore-smartcard"}) {
		t.Fatalf("suggestion: %d %+v", code, res)
	}
	if len(model.sources) == 0 || model.sources[0].ID != "lettore-smartcard" {
		t.Errorf("the model was given %+v", model.sources)
	}
	// Without script the conversation page comes back with the box filled.
	if code, _, _ := a.post(t, "suggest", a.c.ConvSuggest, false); code != http.StatusOK {
		t.Errorf("page: %d", code)
	}
	a.pool.MustExec(`UPDATE conversations SET context = '{"query":"orari della mensa"}' WHERE id = $1`, a.conv)
	a.pool.MustExec(`DELETE FROM messages`)
	model.sources = nil
	if _, res, _ := a.post(t, "suggest", a.c.ConvSuggest, true); res.OK || res.Problem != Text.T("it", "assist.no_sources") || model.sources != nil {
		t.Errorf("nothing to rest on: %+v, model given %v", res, model.sources)
	}
}

// TestKBFromTicketAssist: a resolved ticket's history is given to the
// model (newest kept when long) and its draft saved as a draft entry; a
// ticket not resolved is refused.
func TestKBFromTicketAssist(t *testing.T) {
	t.Parallel()
	model := &scriptedModel{draft: kb.Entry{ID: "lettore-nuovo", Kind: kb.KindFAQ, Lang: "it", Title: "Lettore", Body: "Driver.", Audience: kb.AudiencePublic}}
	a := newAssistDesk(t, model)
	ctx := context.Background()
	ts := a.c.tickets
	tk, err := ts.Create(ctx, a.pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Lettore tessera", Description: "Non legge.",
		Urgency: tickets.Low, Impact: tickets.Low, Category: "hardware"})
	if err != nil {
		t.Fatal(err)
	}
	elena := a.session("elena", agents.RoleEditor)
	draft := func() (int, string) {
		w := a.serve(elena, "POST /console/tickets/{id}/faq/assist", a.c.KBFromTicketAssist, "POST", fmt.Sprintf("/console/tickets/%d/faq/assist", tk.ID), url.Values{})
		return w.Code, w.Header().Get("Location")
	}
	if code, _ := draft(); code != http.StatusConflict {
		t.Errorf("an open ticket: %d, want 409", code)
	}
	old := strings.Repeat("vecchia riga\n", maxResolution/13+10)
	for _, body := range []string{old, "Reinstallato il driver."} {
		if _, err := ts.AddComment(ctx, a.pool, tk.ID, "agent:anna", true, body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.Resolve(ctx, a.pool, tk.ID, "agent:anna", "solved", "driver"); err != nil {
		t.Fatal(err)
	}
	if code, loc := draft(); code != http.StatusSeeOther || loc != "/console/kb/lettore-nuovo?flash=flash.drafted_llm" {
		t.Fatalf("draft: %d %s", code, loc)
	}
	rt := model.ticket
	if rt.Number != tk.Number || rt.Subject != "Lettore tessera" || len(rt.Resolution) > maxResolution ||
		!strings.HasSuffix(rt.Resolution, "Reinstallato il driver.\n\nsolved: driver") || strings.HasPrefix(rt.Resolution, "iga") {
		t.Errorf("the model read %+v", rt)
	}
	e, err := a.c.kb.Get(ctx, "lettore-nuovo")
	if err != nil || e.Status != kb.StatusDraft || e.Category != "hardware" {
		t.Errorf("saved %+v, %v", e, err)
	}
	model.err = llm.ErrTimeout
	if code, loc := draft(); code != http.StatusSeeOther || !strings.HasSuffix(loc, "?problem=assist.timeout") {
		t.Errorf("timeout: %d %s", code, loc)
	}
}
