// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/json"
	"helpdesk/web/api"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/tickets"
)

// rawCall sends a request with the given Content-Type and returns the
// status and the raw answer.
func (at *apiTest) rawCall(token, method, path, contentType, body string) (int, string) {
	at.t.Helper()
	req, _ := http.NewRequest(method, at.ts.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		at.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// subMicro matches a JSON time with more than six fractional digits.
var subMicro = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7,}`)

// TestAPICreateAnswersAsRead: what a create answers is what a later read
// returns — times in microseconds, as PostgreSQL keeps them.
func TestAPICreateAnswersAsRead(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	tok := at.token(agents.ScopeTicketsRead, agents.ScopeTicketsWrite)
	code, created := at.rawCall(tok, "POST", "/api/v1/tickets", "application/json", `{"subject":"stampante"}`)
	if code != 201 || subMicro.MatchString(created) {
		t.Fatalf("create: %d %s", code, created)
	}
	var c, r tickets.Ticket
	if err := json.Unmarshal([]byte(created), &c); err != nil {
		t.Fatal(err)
	}
	if code := at.call(tok, "GET", "/api/v1/tickets/"+c.Number, nil, &r); code != 200 ||
		!c.CreatedAt.Equal(r.CreatedAt) || !c.UpdatedAt.Equal(r.UpdatedAt) {
		t.Errorf("created %v/%v, read %v/%v (%d)", c.CreatedAt, c.UpdatedAt, r.CreatedAt, r.UpdatedAt, code)
	}
	code, comment := at.rawCall(tok, "POST", "/api/v1/tickets/"+c.Number+"/comments", "application/json", `{"body":"nota","public":false}`)
	var cm tickets.Comment
	if err := json.Unmarshal([]byte(comment), &cm); err != nil || code != 201 || subMicro.MatchString(comment) {
		t.Fatalf("comment: %d %s %v", code, comment, err)
	}
	var list api.Comments
	if code := at.call(tok, "GET", "/api/v1/tickets/"+c.Number+"/comments?internal=true", nil, &list); code != 200 ||
		len(list.Comments) != 1 || !list.Comments[0].CreatedAt.Equal(cm.CreatedAt) {
		t.Errorf("comment created at %v, read %+v", cm.CreatedAt, list)
	}
}

// TestAPIRequestRules: the rules the contract test cannot see from the
// status alone — what a refused request leaves behind, which message a
// 404 carries, what internal=1 means.
func TestAPIRequestRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := newAPITest(t)
	tok := at.token(agents.Scopes...)
	requesters := func() int {
		var n int
		if err := at.pool.GetContext(ctx, &n, `SELECT count(*) FROM requesters`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := requesters()
	for _, email := range []string{"non è un indirizzo", "Mario <mario@example.org>", "a@b, c@d", "@example.org"} {
		body, _ := json.Marshal(map[string]string{"subject": "x", "requester_email": email})
		if code, raw := at.rawCall(tok, "POST", "/api/v1/tickets", "application/json", string(body)); code != 400 {
			t.Errorf("requester_email %q: %d %s", email, code, raw)
		}
	}
	if n := requesters(); n != before {
		t.Errorf("refused e-mail addresses created %d requesters", n-before)
	}
	var tk tickets.Ticket
	if code := at.call(tok, "POST", "/api/v1/tickets", map[string]string{"subject": "x", "requester_email": "mario.rossi@example.org"}, &tk); code != 201 || tk.RequesterID == nil {
		t.Fatalf("a plain address: %d %+v", code, tk)
	}
	// Content-Type: JSON only, parameters allowed.
	for ct, want := range map[string]int{"": 415, "text/plain": 415, "application/json; charset=utf-8": 201, "application/json": 201} {
		if code, raw := at.rawCall(tok, "POST", "/api/v1/tickets", ct, `{"subject":"x"}`); code != want {
			t.Errorf("Content-Type %q: %d, want %d: %s", ct, code, want, raw)
		}
	}
	// internal: true/1 add the notes, false/0 do not, anything else is refused.
	base := "/api/v1/tickets/" + tk.Number
	at.call(tok, "POST", base+"/comments", api.Comment{Body: "nota interna"}, nil)
	at.call(tok, "POST", base+"/comments", api.Comment{Body: "risposta", Public: true}, nil)
	for v, want := range map[string]int{"true": 2, "1": 2, "false": 1, "0": 1, "": -1, "yes": -1} {
		var cs api.Comments
		code := at.call(tok, "GET", base+"/comments?internal="+v, nil, &cs)
		if (want < 0 && code != 400) || (want >= 0 && (code != 200 || len(cs.Comments) != want)) {
			t.Errorf("internal=%s: %d, %d comments; want %d", v, code, len(cs.Comments), want)
		}
	}
	// A missing step says so, not "ticket not found".
	code, raw := at.rawCall(tok, "POST", base+"/checklists/999/steps/1", "application/json", `{"done":true}`)
	if code != 404 || !strings.Contains(raw, "checklist step not found") || strings.Contains(raw, "ticket not found") {
		t.Errorf("missing step: %d %s", code, raw)
	}
	if code, raw := at.rawCall(tok, "POST", "/api/v1/tickets/HD-1999-999999/checklists/1/steps/1", "application/json", `{"done":true}`); code != 404 || !strings.Contains(raw, "ticket not found") {
		t.Errorf("missing ticket: %d %s", code, raw)
	}
	// The delivery log of a deleted or unknown subscription is a 404.
	var sub struct{ ID int64 }
	if code := at.call(tok, "POST", "/api/v1/webhooks", api.WebhookCreate{URL: "https://example.org/h", Secret: "0123456789abcdef", Kinds: []string{"ticket.opened"}}, &sub); code != 201 {
		t.Fatalf("subscribe: %d", code)
	}
	id := strconv.FormatInt(sub.ID, 10)
	if code := at.call(tok, "GET", "/api/v1/webhooks/"+id+"/deliveries", nil, nil); code != 200 {
		t.Errorf("deliveries: %d", code)
	}
	if code := at.call(tok, "DELETE", "/api/v1/webhooks/"+id, nil, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	for _, p := range []string{id, "999999"} {
		if code := at.call(tok, "GET", "/api/v1/webhooks/"+p+"/deliveries", nil, nil); code != 404 {
			t.Errorf("deliveries of %s: %d, want 404", p, code)
		}
	}
}
