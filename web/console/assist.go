// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/assist"
	"helpdesk/bots"
	"helpdesk/internal/llm"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// Assist is the optional language model as the console uses it: the
// handoff summary, reply suggestions the agent edits, FAQ drafts from
// resolved tickets. *assist.Console implements it. Nil in Options means no
// model is configured: the console hides the buttons and says why.
//
// Every call may fail (disabled, budget, timeout, endpoint down, answer
// thrown away); the console then shows why in the user's language and
// goes on without. Calls are never made inside a database transaction.
type Assist interface {
	Summarise(ctx context.Context, lang string, sum bots.Summary, turns []assist.Turn) (string, error)
	Suggest(ctx context.Context, lang string, turns []assist.Turn, sources []assist.Source) (assist.Suggestion, error)
	DraftFAQ(ctx context.Context, t assist.ResolvedTicket) (kb.Entry, error)
}

var _ Assist = (*assist.Console)(nil)

// assistTimeout bounds one console request to the model even when an
// Assist has no timeout of its own (llm.Client has: 8 s by default).
const assistTimeout = 30 * time.Second

// suggestSources is how many knowledge-base entries a suggestion may rest on.
const suggestSources = 4

// errNoSources: no published entry matches the conversation, so there is
// nothing to ground a suggestion in.
var errNoSources = errors.New("no knowledge-base entry to ground a reply")

// assistPanel is what the conversation page shows of the model.
type assistPanel struct {
	On         bool // a model is configured
	Summary    *assist.StoredSummary
	Stale      bool   // messages arrived after the summary
	Problem    string // catalogue key: why the model gave nothing this time
	Suggestion *suggestionView
}

// suggestionView is a suggested reply with the entries it cites.
type suggestionView struct {
	Text  string
	Cited []citedEntry
}

// citedEntry is a knowledge-base entry a suggestion rests on, linked to
// its public page (the suggestion goes to the user: only public,
// published entries are given to the model).
type citedEntry struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	Title    string `json:"title"`
	URL      string `json:"url"`
}

// assistResult is the answer to the page's script (Accept:
// application/json); without script the forms post and the page reloads.
type assistResult struct {
	OK      bool         `json:"ok"`
	Text    string       `json:"text,omitempty"`
	Meta    string       `json:"meta,omitempty"`
	Cited   []citedEntry `json:"cited,omitempty"`
	Problem string       `json:"problem,omitempty"` // shown instead, in the page's language
}

// assistPanelFor loads the stored summary of a conversation whose newest
// message is lastMsg.
func (c *Console) assistPanelFor(ctx context.Context, convID, lastMsg int64) (assistPanel, error) {
	p := assistPanel{On: c.assist != nil}
	s, err := assist.StoredSummaryOf(ctx, c.db, convID)
	if err != nil {
		return p, err
	}
	if s != nil {
		p.Summary, p.Stale = s, lastMsg > s.LastMessageID
	}
	return p, nil
}

// newAssistMetrics counts the console's requests to the model by feature
// (summary, suggest, faq) and outcome: ok, or the message shown instead
// (off, budget, timeout, unavailable, unusable, ungrounded, no_sources).
// Latency and volume per route are in the HTTP metrics already.
func newAssistMetrics(reg *prometheus.Registry) (*prometheus.CounterVec, error) {
	cv := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "helpdesk_console_assist_total",
		Help: "Console requests to the language model by feature and outcome."}, []string{"feature", "outcome"})
	if reg != nil {
		if err := reg.Register(cv); err != nil {
			return nil, err
		}
	}
	return cv, nil
}

// countAssist records one request's outcome; problem is "" when the
// model's answer was used.
func (c *Console) countAssist(feature, problem string) {
	outcome := strings.TrimPrefix(problem, "assist.")
	if problem == "" {
		outcome = "ok"
	}
	c.assistOut.WithLabelValues(feature, outcome).Inc()
}

// assistProblem maps a failure of the model to the message the console
// shows.
func assistProblem(err error) string {
	switch {
	case errors.Is(err, llm.ErrDisabled):
		return "assist.off"
	case errors.Is(err, llm.ErrBudget):
		return "assist.budget"
	case errors.Is(err, llm.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "assist.timeout"
	case errors.Is(err, errNoSources):
		return "assist.no_sources"
	case errors.Is(err, assist.ErrUngrounded):
		return "assist.ungrounded"
	case errors.Is(err, llm.ErrBadResponse), errors.Is(err, assist.ErrLeak):
		return "assist.unusable"
	}
	return "assist.unavailable"
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeAssistJSON(w http.ResponseWriter, res assistResult) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(res)
}

// lastMessageID is the id of the newest message (0 when there is none).
func lastMessageID(ms []bots.Message) int64 {
	var last int64
	for _, m := range ms {
		last = max(last, m.ID)
	}
	return last
}

// convSummary asks the model for the handoff summary, stores it (so the
// page shows it again without a new call) and shows it.
func (c *Console) ConvSummary(w http.ResponseWriter, r *http.Request) {
	conv, err := c.loadConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	ctx := r.Context()
	ms, err := c.convs.Messages(ctx, c.db, conv.ID)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	lang, s := pageLang(r), sessionFrom(r)
	back := fmt.Sprintf("/console/conversations/%d", conv.ID)
	text, err := c.summarise(ctx, lang, conv, ms)
	if err != nil {
		c.log.Info("assist: no summary", "conversation", conv.ID, "err", err)
		c.countAssist("summary", assistProblem(err))
		c.assistFailed(w, r, back, assistProblem(err))
		return
	}
	c.countAssist("summary", "")
	err = assist.SaveSummary(ctx, c.db, conv.ID, assist.StoredSummary{Lang: lang, Body: text,
		LastMessageID: lastMessageID(ms), CreatedBy: s.DisplayName, CreatedAt: c.now()})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		v := c.newView(r, "conv.title", nil)
		writeAssistJSON(w, assistResult{OK: true, Text: text, Meta: v.T("assist.summary_meta", c.now().In(c.loc).Format("2006-01-02 15:04"), s.DisplayName)})
		return
	}
	redirect(w, r, back, "flash.summarised")
}

func (c *Console) summarise(ctx context.Context, lang string, conv *bots.Conversation, ms []bots.Message) (string, error) {
	if c.assist == nil {
		return "", llm.ErrDisabled
	}
	ctx, cancel := context.WithTimeout(ctx, assistTimeout)
	defer cancel()
	return c.assist.Summarise(ctx, lang, bots.SummaryOf(conv), assist.TurnsFromMessages(ms))
}

// assistFailed tells the agent why the model gave nothing: in the
// script's answer, or on the page it came from.
func (c *Console) assistFailed(w http.ResponseWriter, r *http.Request, back, problem string) {
	if wantsJSON(r) {
		v := c.newView(r, "conv.title", nil)
		writeAssistJSON(w, assistResult{Problem: v.T(problem)})
		return
	}
	http.Redirect(w, r, back+"?problem="+url.QueryEscape(problem), http.StatusSeeOther)
}

// convSuggest drafts a reply from the knowledge base for the agent to
// edit: the script puts it in the reply box; without script the page is
// shown again with the box filled. Nothing is sent to the user.
func (c *Console) ConvSuggest(w http.ResponseWriter, r *http.Request) {
	conv, err := c.loadConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	ctx := r.Context()
	ms, err := c.convs.Messages(ctx, c.db, conv.ID)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	sug, err := c.suggest(ctx, conv, ms)
	problem := ""
	if err != nil {
		c.log.Info("assist: no suggestion", "conversation", conv.ID, "err", err)
		problem = assistProblem(err)
	}
	c.countAssist("suggest", problem)
	if wantsJSON(r) {
		if problem != "" {
			c.assistFailed(w, r, "", problem)
			return
		}
		writeAssistJSON(w, assistResult{OK: true, Text: sug.Text, Cited: sug.Cited})
		return
	}
	d, err := c.conversationPage(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Assist.Problem = problem
	if problem == "" {
		d.Assist.Suggestion = &sug
	}
	c.render(w, r, http.StatusOK, "conversation", c.newView(r, "conv.title", d))
}

func (c *Console) suggest(ctx context.Context, conv *bots.Conversation, ms []bots.Message) (suggestionView, error) {
	if c.assist == nil {
		return suggestionView{}, llm.ErrDisabled
	}
	turns := assist.TurnsFromMessages(ms)
	hits, err := c.suggestionHits(ctx, conv, turns)
	if err != nil {
		return suggestionView{}, err
	}
	if len(hits) == 0 {
		return suggestionView{}, errNoSources
	}
	ctx, cancel := context.WithTimeout(ctx, assistTimeout)
	defer cancel()
	sug, err := c.assist.Suggest(ctx, conv.Lang, turns, assist.SourcesFromHits(hits))
	if err != nil {
		return suggestionView{}, err
	}
	v := suggestionView{Text: sug.Text}
	for _, ci := range sug.Cited {
		ce := citedEntry{ID: ci.ID, Revision: ci.Revision, Title: ci.ID, URL: "/help/a/" + url.PathEscape(ci.ID)}
		for _, h := range hits {
			if h.EntryID == ci.ID {
				ce.Title = h.Title
			}
		}
		v.Cited = append(v.Cited, ce)
	}
	return v, nil
}

// suggestionHits searches the knowledge base for what the user asked
// first and what they said last, in the conversation's language. Only
// public, published entries: the reply goes to the user, so internal
// entries must not shape it (assist.SourcesFromHits says the same).
func (c *Console) suggestionHits(ctx context.Context, conv *bots.Conversation, turns []assist.Turn) ([]kb.Hit, error) {
	if c.searcher == nil {
		return nil, nil
	}
	texts := []string{bots.SummaryOf(conv).Query}
	for i := len(turns) - 1; i >= 0; i-- {
		if turns[i].From == "user" {
			texts = append(texts, turns[i].Text)
			break
		}
	}
	var hits []kb.Hit
	seen := map[string]bool{}
	for _, text := range texts {
		if strings.TrimSpace(text) == "" {
			continue
		}
		found, err := c.searcher.Search(ctx, kb.Query{Text: text, Lang: conv.Lang, Audience: kb.AudiencePublic,
			Limit: suggestSources, NoLog: true})
		if err != nil {
			return nil, err
		}
		for _, h := range found {
			if !seen[h.EntryID] && len(hits) < suggestSources {
				seen[h.EntryID] = true
				hits = append(hits, h)
			}
		}
	}
	return hits, nil
}

// kbFromTicketAssist asks the model for a FAQ draft from a resolved
// ticket and opens it in the editor. The entry is saved as a draft
// (assist.SaveDraft can do nothing else): editors review and publish it
// through the usual workflow.
func (c *Console) KBFromTicketAssist(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	ctx := r.Context()
	back := fmt.Sprintf("/console/tickets/%d", id)
	t, err := c.tickets.Get(ctx, c.db, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if t.State != tickets.StateResolved && t.State != tickets.StateClosed {
		c.Fail(w, r, fmt.Errorf("%w: ticket %s is not resolved", problem.ErrChanged, t.Number))
		return
	}
	rt, err := c.resolvedTicket(ctx, t, pageLang(r))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	e, err := c.draftFAQ(ctx, rt)
	if err != nil {
		c.log.Info("assist: no FAQ draft", "ticket", t.Number, "err", err)
		c.countAssist("faq", assistProblem(err))
		c.assistFailed(w, r, back, assistProblem(err))
		return
	}
	c.countAssist("faq", "")
	e.Category, e.Product = t.Category, t.Product
	saved, err := assist.SaveDraft(ctx, c.kb, e, actor(r), t.Number)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/kb/"+url.PathEscape(saved.ID), "flash.drafted_llm")
}

func (c *Console) draftFAQ(ctx context.Context, rt assist.ResolvedTicket) (kb.Entry, error) {
	if c.assist == nil {
		return kb.Entry{}, llm.ErrDisabled
	}
	ctx, cancel := context.WithTimeout(ctx, assistTimeout)
	defer cancel()
	return c.assist.DraftFAQ(ctx, rt)
}

// maxResolution caps the ticket's history given to the model; the
// latest comments tell how it was solved.
const maxResolution = 6000

// resolvedTicket gathers what the FAQ drafter reads: the problem, and how
// it was solved (closure note, replies and internal notes, newest kept
// when long). The language is the conversation's when there is one.
func (c *Console) resolvedTicket(ctx context.Context, t *tickets.Ticket, lang string) (assist.ResolvedTicket, error) {
	if t.ConversationID != nil {
		if conv, err := c.convs.Get(ctx, c.db, *t.ConversationID); err == nil {
			lang = conv.Lang
		}
	}
	cs, err := c.tickets.Comments(ctx, c.db, t.ID, true)
	if err != nil {
		return assist.ResolvedTicket{}, err
	}
	var parts []string
	for _, cm := range cs {
		if b := strings.TrimSpace(cm.Body); b != "" {
			parts = append(parts, b)
		}
	}
	if t.ClosureCode != "" || t.ClosureNote != "" {
		parts = append(parts, strings.TrimSpace(t.ClosureCode+": "+t.ClosureNote))
	}
	res := strings.Join(parts, "\n\n")
	if len(res) > maxResolution {
		res = res[len(res)-maxResolution:]
		if i := strings.IndexByte(res, '\n'); i >= 0 {
			res = res[i+1:] // start at a whole line
		}
	}
	return assist.ResolvedTicket{Number: t.Number, Lang: lang, Subject: t.Subject, Description: t.Description, Resolution: res}, nil
}
