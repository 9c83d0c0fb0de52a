// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// fakeHandoff records the actions; the real engine is tested in bots and
// by the browser tests.
type fakeHandoff struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeHandoff) rec(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return nil
}
func (f *fakeHandoff) Take(_ context.Context, id int64, a bots.Agent) error {
	return f.rec(fmt.Sprintf("take %d %s", id, a.Name))
}
func (f *fakeHandoff) Reply(_ context.Context, id int64, a bots.Agent, text string) error {
	return f.rec(fmt.Sprintf("reply %d %s %s", id, a.Name, text))
}
func (f *fakeHandoff) Note(_ context.Context, id int64, a bots.Agent, text string) error {
	return f.rec(fmt.Sprintf("note %d %s %s", id, a.Name, text))
}
func (f *fakeHandoff) Escalate(_ context.Context, id int64, a bots.Agent, reason string) error {
	return f.rec(fmt.Sprintf("escalate %d %s %s", id, a.Name, reason))
}
func (f *fakeHandoff) RouteExternal(_ context.Context, id int64, a bots.Agent, org, email string) error {
	return f.rec(fmt.Sprintf("route %d %s %s %s", id, a.Name, org, email))
}
func (f *fakeHandoff) HandBack(_ context.Context, id int64, a bots.Agent) error {
	return f.rec(fmt.Sprintf("handback %d %s", id, a.Name))
}
func (f *fakeHandoff) Resolve(_ context.Context, id int64, a bots.Agent, code, note string) error {
	return f.rec(fmt.Sprintf("resolve %d %s %s %s", id, a.Name, code, note))
}

func (f *fakeHandoff) SetPresence(_ context.Context, id int64, online bool) error {
	return f.rec(fmt.Sprintf("presence %d %v", id, online))
}

// seed holds the rows the matrix's paths point at.
type seed struct {
	ticketID, convID, cannedID int64
	entryID                    string
}

func seedConsole(t *testing.T, tc *testConsole) seed {
	t.Helper()
	ctx := context.Background()
	ts, err := tickets.NewStore(tickets.Options{Now: tc.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := ts.Create(ctx, tc.pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Stampante bloccata", Description: "La stampante non stampa"})
	if err != nil {
		t.Fatal(err)
	}
	var s seed
	s.ticketID = tk.ID
	if err := tc.pool.Get(&s.convID, `INSERT INTO conversations (channel, conversation_key, state, level, ticket_id, context, created_at, updated_at, last_message_at)
		VALUES ('memory', 'k1', 'queued', 1, $1, '{"query":"la stampante non va","tried":["stampante"]}', now(), now(), now()) RETURNING id`, tk.ID); err != nil {
		t.Fatal(err)
	}
	store, err := kb.NewStore(tc.pool, tc.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := store.Save(ctx, kb.Entry{ID: "stampante", Kind: kb.KindFAQ, Lang: "it", Status: kb.StatusDraft, Title: "Stampante",
		Audience: kb.AudiencePublic, Body: "Riavviare la stampante."}, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	s.entryID = e.ID
	if err := tc.pool.Get(&s.cannedID, `INSERT INTO canned_responses (lang, title, body) VALUES ('it', 'Saluto', 'Buongiorno') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return s
}

// pathOf fills a route pattern's wildcards with seeded ids.
func pathOf(pattern string, s seed) string {
	p := strings.SplitN(pattern, " ", 2)[1]
	p = strings.ReplaceAll(p, "{$}", "")
	switch {
	case strings.HasPrefix(p, "/console/static/"):
		return "/console/static/console.css"
	case strings.HasPrefix(p, "/console/tickets/"), strings.HasPrefix(p, "/console/contacts/"):
		p = strings.Replace(p, "{id}", fmt.Sprint(s.ticketID), 1)
		p = strings.NewReplacer("{checklist}", "1", "{position}", "1").Replace(p)
	case strings.HasPrefix(p, "/console/conversations/"):
		p = strings.Replace(p, "{id}", fmt.Sprint(s.convID), 1)
	case strings.HasPrefix(p, "/console/kb/"):
		p = strings.Replace(p, "{id}", s.entryID, 1)
	case strings.HasPrefix(p, "/console/canned/"):
		p = strings.Replace(p, "{id}", fmt.Sprint(s.cannedID), 1)
	}
	return strings.Replace(p, "{username}", "victim", 1)
}

// matrixForm is a form that satisfies every console action, so that an
// allowed role gets past validation.
var matrixForm = url.Values{
	"urgency": {"high"}, "impact": {"medium"}, "category": {"hw"}, "product": {"printer"}, "group": {"desk"},
	"body": {"Testo"}, "text": {"Testo"}, "reason": {"serve il 2° livello"}, "org": {"Fornitore"}, "email": {"f@example.org"},
	"code": {"solved"}, "note": {"ok"}, "title": {"Titolo"}, "to": {"in_review"}, "revision": {"1"},
	"role": {"agent_l2"}, "active": {"true"}, "online": {"true"}, "canned_lang": {"it"}, "audience": {"public"},
	"name": {"Mario Rossi"}, "channel": {"phone"}, "description": {"Il telefono dell'ufficio non squilla da stamattina."},
}

// TestRoleRouteMatrix checks every console route with every role and
// anonymously: anonymous users are sent to log in, roles outside the
// route's list get 403, the others get through.
func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	fh := &fakeHandoff{}
	tc := newTestConsole(t, func(o *Options) { o.Handoff = fh })
	s := seedConsole(t, tc)
	tc.addUser("victim", agents.RoleAgentL1)
	clients := map[agents.Role]*client{}
	for _, r := range agents.Roles {
		tc.addUser(string(r), r)
	}
	// allowedFor is the expected table, written out by hand so that a
	// change in routes.go must be matched here.
	allowedFor := map[string][]agents.Role{
		"GET /console/static/": nil, "GET /console/login": nil, "POST /console/login": nil,
		"POST /console/logout": everyone, "GET /console/{$}": everyone,
		// Editors reach no ticket page unless an admin grants it
		// (leastprivilege_test.go checks the grant).
		"GET /console/tickets": ticketDesk, "GET /console/tickets/{id}": ticketDesk,
		"GET /console/tickets/{id}/attachments/{att}": ticketDesk,
		"POST /console/tickets/{id}/classify":         {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/categorise":       {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/assign":           {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/note":             {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/called-back":      {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/faq":              {agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/faq/assist":       {agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/kb":                             {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/kb/new":                         {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/kb/new":                        {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/kb/{id}":                        {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/kb/{id}":                       {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/kb/{id}/status":                {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/kb/{id}/history":                {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/kb/{id}/revert":                {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/kb/{id}/learned":               {agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/inbox":                          {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"GET /console/inbox/list":                     {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"GET /console/inbox/events":                   {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"GET /console/conversations/{id}":             {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"GET /console/conversations/{id}/messages":    {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/take":       {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/reply":      {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/note":       {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/escalate":   {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/route":      {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/handback":   {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/resolve":    {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/summary":    {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/conversations/{id}/suggest":    {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"POST /console/presence":                      {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor},
		"GET /console/canned":                         {agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/canned":                        {agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/canned/{id}/delete":            {agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/admin/users":                    {agents.RoleAdmin},
		"POST /console/admin/users":                   {agents.RoleAdmin},
		"POST /console/admin/users/{username}/role":   {agents.RoleAdmin},
		"POST /console/admin/users/{username}/active": {agents.RoleAdmin},
		"GET /console/reports":                        {agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/reports/print":                  {agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/reports/csv/{table}":            {agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/tickets/{id}/sla":               {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/contacts/new":                   {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/contacts/new":                  {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/contacts/requesters":            {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/contacts/severity":             {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/contacts/{id}":                  {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/checklists":       {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/tickets/{id}/resolve":          {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/notifications":                  {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"GET /console/notifications/list":             {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/notifications/read":            {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
		"POST /console/notifications/{id}/read":       {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},

		"POST /console/tickets/{id}/checklists/{checklist}/steps/{position}": {agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin},
	}
	routes := consoleRoutes(nil)
	if len(routes) != len(allowedFor) {
		t.Fatalf("routes.go lists %d console routes, the expected table %d", len(routes), len(allowedFor))
	}
	anon := tc.client()
	checked := 0
	for _, rt := range routes {
		want, ok := allowedFor[rt.Pattern]
		if !ok {
			t.Fatalf("route %s missing from the expected table", rt.Pattern)
		}
		if rt.Pattern == "POST /console/logout" {
			continue // checked last: it ends the sessions
		}
		method := strings.SplitN(rt.Pattern, " ", 2)[0]
		path := pathOf(rt.Pattern, s)
		for _, role := range append([]agents.Role{""}, agents.Roles...) {
			name := fmt.Sprintf("%s as %s", rt.Pattern, map[bool]string{true: "anonymous", false: string(role)}[role == ""])
			c := anon
			if role != "" {
				if clients[role] == nil {
					clients[role] = tc.login(string(role))
				}
				c = clients[role]
			}
			code := request(t, c, method, path, rt.Pattern)
			checked++
			allowed := want == nil || (role != "" && contains(want, role))
			switch {
			case rt.Pattern == "POST /console/login":
				if code != http.StatusUnauthorized { // the matrix form has no valid credentials
					t.Errorf("%s: %d, want 401", name, code)
				}
			case allowed:
				if code == http.StatusUnauthorized || code == http.StatusForbidden || code >= 500 {
					t.Errorf("%s: %d, want access", name, code)
				}
			case role == "" && method == "GET":
				if code != http.StatusSeeOther {
					t.Errorf("%s: %d, want 303 to the login page", name, code)
				}
			case role == "":
				if code != http.StatusUnauthorized {
					t.Errorf("%s: %d, want 401", name, code)
				}
			default:
				if code != http.StatusForbidden {
					t.Errorf("%s: %d, want 403", name, code)
				}
			}
		}
	}
	if code, _, _ := anon.post("/console/logout", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous logout: %d, want 401", code)
	}
	for _, role := range agents.Roles {
		if code, _, _ := clients[role].post("/console/logout", nil); code != http.StatusSeeOther {
			t.Errorf("logout as %s: %d, want 303", role, code)
		}
	}
	t.Logf("%d route × role checks (+%d logouts)", checked, len(agents.Roles)+1)
	if len(fh.calls) != 8*3+3 {
		t.Errorf("handoff saw %d actions, want 27 (8 actions × 3 agent roles, and away at their logouts): %v", len(fh.calls), fh.calls)
	}
}

// request sends one matrix request; the event stream is cut short.
func request(t *testing.T, c *client, method, path, pattern string) int {
	t.Helper()
	if pattern == "GET /console/inbox/events" {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
		res, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if method == "GET" {
		code, _, _ := c.get(path)
		return code
	}
	f := url.Values{}
	for k, v := range matrixForm {
		f[k] = v
	}
	if pattern == "POST /console/kb/new" {
		f.Set("id", fmt.Sprintf("nuova-%p", &f))
	}
	if pattern == "POST /console/admin/users" {
		f.Set("username", fmt.Sprintf("u%p", &f))
		f.Set("password", "a-long-enough-password")
	}
	code, _, _ := c.post(path, f)
	return code
}

func contains(rs []agents.Role, r agents.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
