// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/tickets"
)

// recordingHandoff is the engine as the console sees it: each action is
// recorded, and fails with err when set.
type recordingHandoff struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (f *recordingHandoff) rec(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return f.err
}
func (f *recordingHandoff) Take(_ context.Context, id int64, a bots.Agent) error {
	return f.rec(fmt.Sprintf("take %d by %d@L%d", id, a.ID, a.Level))
}
func (f *recordingHandoff) Reply(_ context.Context, id int64, a bots.Agent, text string) error {
	return f.rec(fmt.Sprintf("reply %d: %s", id, text))
}
func (f *recordingHandoff) Note(_ context.Context, id int64, a bots.Agent, text string) error {
	return f.rec(fmt.Sprintf("note %d: %s", id, text))
}
func (f *recordingHandoff) Escalate(_ context.Context, id int64, a bots.Agent, reason string) error {
	return f.rec(fmt.Sprintf("escalate %d: %s", id, reason))
}
func (f *recordingHandoff) RouteExternal(_ context.Context, id int64, a bots.Agent, org, email string) error {
	return f.rec(fmt.Sprintf("route %d: %s <%s>", id, org, email))
}
func (f *recordingHandoff) HandBack(_ context.Context, id int64, a bots.Agent) error {
	return f.rec(fmt.Sprintf("handback %d", id))
}
func (f *recordingHandoff) Resolve(_ context.Context, id int64, a bots.Agent, code, note string) error {
	return f.rec(fmt.Sprintf("resolve %d: %s %s", id, code, note))
}
func (f *recordingHandoff) SetPresence(_ context.Context, id int64, online bool) error {
	return f.rec(fmt.Sprintf("presence %d %v", id, online))
}

func (f *recordingHandoff) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return ""
	}
	return f.calls[len(f.calls)-1]
}

func TestQueueLevelsAndAgentOf(t *testing.T) {
	t.Parallel()
	if !slices.Equal(queueLevels(agents.RoleAgentL1), []int64{1}) || !slices.Equal(queueLevels(agents.RoleAgentL2), []int64{1, 2}) ||
		!slices.Equal(queueLevels(agents.RoleSupervisor), []int64{1, 2}) {
		t.Error("queueLevels")
	}
	for role, level := range map[agents.Role]int{agents.RoleAgentL1: 1, agents.RoleAgentL2: 2, agents.RoleSupervisor: 2} {
		a := agentOf(&agents.Session{User: agents.User{ID: 4, DisplayName: "Anna", Role: role}})
		if a.ID != 4 || a.Name != "Anna" || a.Level != level {
			t.Errorf("%s: %+v", role, a)
		}
	}
}

// TestSummaryOf: what the bot left for the agent; the description stands
// for the question when the user asked for a person straight away, the
// model's reasons once each, a context it did not fill an empty summary.
func TestSummaryOf(t *testing.T) {
	t.Parallel()
	s := summaryOf(json.RawMessage(`{"description":"non stampa","tried":["a","b"],"severity":{"urgency":"high","why":["x","y","x"]}}`))
	if s.Query != "non stampa" || !slices.Equal(s.Tried, []string{"a", "b"}) || s.Severity == nil || !slices.Equal(s.Severity.Why, []string{"x", "y"}) {
		t.Errorf("summary %+v", s)
	}
	if s := summaryOf(json.RawMessage(`{"query":"vpn","description":"altro"}`)); s.Query != "vpn" {
		t.Errorf("query %q", s.Query)
	}
	for _, raw := range []string{"", "null", "not json"} {
		if s := summaryOf(json.RawMessage(raw)); s.Query != "" || s.Severity != nil {
			t.Errorf("%q: %+v", raw, s)
		}
	}
}

// inboxDesk is a console with a recording engine and three conversations:
// a level-1 one in group "rete" with a ticket, a level-2 one, and one a
// level-2 agent holds.
type inboxDesk struct {
	*testDesk
	handoff         *recordingHandoff
	luca, giulia    *agents.Session
	l1, l2, giulias int64
}

func newInboxDesk(t *testing.T) *inboxDesk {
	t.Helper()
	h := &recordingHandoff{}
	d := &inboxDesk{testDesk: newTestDesk(t, func(o *Options) { o.Handoff = h }), handoff: h}
	d.luca, d.giulia = d.session("luca", agents.RoleAgentL1), d.session("giulia", agents.RoleAgentL2)
	tk, err := d.c.tickets.Create(context.Background(), d.pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "Stampante bloccata",
		Urgency: tickets.Low, Impact: tickets.Low, GroupName: "rete"})
	if err != nil {
		t.Fatal(err)
	}
	conv := func(level int, state string, agent *int64, ticket *int64, ctxJSON string) int64 {
		t.Helper()
		var id int64
		if err := d.pool.Get(&id, `INSERT INTO conversations (channel, conversation_key, state, level, agent_id, ticket_id, context, created_at, updated_at, last_message_at)
			VALUES ('memory', md5(random()::text), $1, $2, $3, $4, $5, now(), now(), now()) RETURNING id`, state, level, agent, ticket, ctxJSON); err != nil {
			t.Fatal(err)
		}
		return id
	}
	d.l1 = conv(1, "queued", nil, &tk.ID, `{"query":"la stampante non va"}`)
	d.l2 = conv(2, "queued", nil, nil, `{"query":"server giù"}`)
	d.giulias = conv(2, "agent", &d.giulia.ID, nil, `{"description":"rete lenta"}`)
	return d
}

// TestInboxPages: each agent's queue by level, the group filter (what
// the agent holds stays), the list fragment, the conversation page and
// its messages, and the level rule on a conversation.
func TestInboxPages(t *testing.T) {
	t.Parallel()
	d := newInboxDesk(t)
	items := func(s *agents.Session) []int64 {
		t.Helper()
		its, err := d.c.inboxItems(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, it := range its {
			ids = append(ids, it.ID)
			if it.ID == d.giulias && (!it.Mine || it.Query != "rete lenta") {
				t.Errorf("giulia's item %+v", it)
			}
		}
		return ids
	}
	if got := items(d.luca); !slices.Equal(got, []int64{d.l1}) {
		t.Errorf("luca's queue %v, want [%d]", got, d.l1)
	}
	if got := items(d.giulia); len(got) != 3 || got[0] != d.giulias {
		t.Errorf("giulia's queue %v: her own first, then both levels", got)
	}
	w := d.serve(d.giulia, "GET /console/inbox", d.c.Inbox, "GET", "/console/inbox?group=rete&lang=en", nil)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "la stampante non va") || !strings.Contains(body, "rete lenta") || strings.Contains(body, "server giù") {
		t.Errorf("giulia's inbox filtered on rete = %d\n%s", w.Code, body)
	}
	w = d.serve(d.luca, "GET /console/inbox/list", d.c.InboxList, "GET", "/console/inbox/list", nil)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "<html") || !strings.Contains(w.Body.String(), "la stampante non va") {
		t.Errorf("list fragment = %d\n%s", w.Code, w.Body.String())
	}
	page := func(s *agents.Session, id int64, h http.HandlerFunc, pattern, suffix string) *httpResult {
		t.Helper()
		w := d.serve(s, pattern, h, "GET", fmt.Sprintf("/console/conversations/%d%s", id, suffix), nil)
		return &httpResult{w.Code, w.Body.String()}
	}
	if p := page(d.luca, d.l1, d.c.Conversation, "GET /console/conversations/{id}", "?lang=it"); p.code != http.StatusOK ||
		!strings.Contains(p.body, `id="conv-ticket">HD-`) || !strings.Contains(p.body, `id="sum-query">la stampante non va<`) {
		t.Errorf("conversation page = %d", p.code)
	}
	if p := page(d.luca, d.l2, d.c.Conversation, "GET /console/conversations/{id}", ""); p.code != http.StatusForbidden {
		t.Errorf("a level-1 agent on a level-2 conversation = %d, want 403", p.code)
	}
	if p := page(d.luca, 999999, d.c.Conversation, "GET /console/conversations/{id}", ""); p.code != http.StatusNotFound {
		t.Errorf("an unknown conversation = %d, want 404", p.code)
	}
	if p := page(d.giulia, d.giulias, d.c.ConversationMessages, "GET /console/conversations/{id}/messages", "/messages"); p.code != http.StatusOK ||
		strings.Contains(p.body, "<html") || !strings.Contains(p.body, `id="messages"`) {
		t.Errorf("messages fragment = %d\n%s", p.code, p.body)
	}
}

type httpResult struct {
	code int
	body string
}

// TestConversationActions: each form becomes one engine call as the
// console user (a supervisor at level 2); a required field missing is a
// 400 and calls nothing; a reply recorded but not delivered says so; no
// engine is a 503.
func TestConversationActions(t *testing.T) {
	t.Parallel()
	d := newInboxDesk(t)
	act := func(s *agents.Session, path string, h http.HandlerFunc, form url.Values) (int, string) {
		t.Helper()
		w := d.serve(s, "POST /console/conversations/{id}/"+path, h, "POST", fmt.Sprintf("/console/conversations/%d/%s", d.l1, path), form)
		return w.Code, w.Header().Get("Location")
	}
	back := fmt.Sprintf("/console/conversations/%d?flash=", d.l1)
	for _, tt := range []struct {
		path  string
		h     http.HandlerFunc
		form  url.Values
		call  string
		flash string
	}{
		{"take", d.c.ConvTake, url.Values{}, fmt.Sprintf("take %d by %d@L1", d.l1, d.luca.ID), "flash.taken"},
		{"reply", d.c.ConvReply, url.Values{"text": {" Riavvii "}}, fmt.Sprintf("reply %d: Riavvii", d.l1), "flash.sent"},
		{"note", d.c.ConvNote, url.Values{"text": {"chiamato"}}, fmt.Sprintf("note %d: chiamato", d.l1), "flash.noted"},
		{"escalate", d.c.ConvEscalate, url.Values{"reason": {"rete"}}, fmt.Sprintf("escalate %d: rete", d.l1), "flash.escalated"},
		{"route", d.c.ConvRoute, url.Values{"org": {"ASL"}, "email": {" it@asl.example "}}, fmt.Sprintf("route %d: ASL <it@asl.example>", d.l1), "flash.routed"},
		{"handback", d.c.ConvHandBack, url.Values{}, fmt.Sprintf("handback %d", d.l1), "flash.handed_back"},
		{"resolve", d.c.ConvResolveChecked, url.Values{"code": {"solved"}, "note": {"ok"}}, fmt.Sprintf("resolve %d: solved ok", d.l1), "flash.resolved"},
	} {
		code, loc := act(d.luca, tt.path, tt.h, tt.form)
		if code != http.StatusSeeOther || loc != back+tt.flash || d.handoff.last() != tt.call {
			t.Errorf("%s: %d %s, engine got %q, want %q", tt.path, code, loc, d.handoff.last(), tt.call)
		}
	}
	calls := len(d.handoff.calls)
	for _, tt := range []struct {
		path string
		h    http.HandlerFunc
		form url.Values
	}{
		{"reply", d.c.ConvReply, url.Values{"text": {"  "}}},
		{"note", d.c.ConvNote, url.Values{}},
		{"escalate", d.c.ConvEscalate, url.Values{}},
		{"route", d.c.ConvRoute, url.Values{"email": {"x@y.it"}}},
		{"resolve", d.c.ConvResolveChecked, url.Values{"code": {"magic"}}},
	} {
		if code, _ := act(d.luca, tt.path, tt.h, tt.form); code != http.StatusBadRequest {
			t.Errorf("%s without its field: %d, want 400", tt.path, code)
		}
	}
	if len(d.handoff.calls) != calls {
		t.Errorf("refused forms reached the engine: %v", d.handoff.calls[calls:])
	}
	d.handoff.err = fmt.Errorf("telegram down: %w", bots.ErrNotDelivered)
	if code, loc := act(d.luca, "reply", d.c.ConvReply, url.Values{"text": {"ci sono"}}); code != http.StatusSeeOther || loc != back+"flash.undelivered" {
		t.Errorf("undelivered reply: %d %s", code, loc)
	}
	d.handoff.err = bots.ErrTaken
	if code, _ := act(d.luca, "take", d.c.ConvTake, url.Values{}); code != http.StatusConflict {
		t.Errorf("taken meanwhile: %d, want 409", code)
	}
	d.handoff.err = nil
	sup := d.session("sara", agents.RoleSupervisor)
	if act(sup, "take", d.c.ConvTake, url.Values{}); d.handoff.last() != fmt.Sprintf("take %d by %d@L2", d.l1, sup.ID) {
		t.Errorf("a supervisor takes at level 2: %q", d.handoff.last())
	}
	w := d.serve(d.luca, "POST /console/presence", d.c.SetPresence, "POST", "/console/presence", url.Values{"online": {"true"}})
	if w.Code != http.StatusSeeOther || d.handoff.last() != fmt.Sprintf("presence %d true", d.luca.ID) {
		t.Errorf("presence: %d %q", w.Code, d.handoff.last())
	}
	readOnly := *d.c // the same desk without an engine
	readOnly.handoff = nil
	if code, _ := act(d.luca, "take", readOnly.ConvTake, url.Values{}); code != http.StatusServiceUnavailable {
		t.Errorf("no engine: %d, want 503", code)
	}
	if w := d.serve(d.luca, "POST /console/presence", readOnly.SetPresence, "POST", "/console/presence", url.Values{}); w.Code != http.StatusServiceUnavailable {
		t.Errorf("presence without an engine: %d, want 503", w.Code)
	}
}
