// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"helpdesk/web/api"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/tickets"
)

type apiTest struct {
	*testConsole
	tokens *agents.APITokens
	store  *tickets.Store
}

func newAPITest(t *testing.T) *apiTest {
	t.Helper()
	var hooks *webhooks.Service
	tc := newTestConsole(t, func(o *Options) {
		var err error
		if hooks, err = webhooks.New(o.Pool, webhooks.Options{Resolver: exampleOrgResolver{}}); err != nil {
			t.Fatal(err)
		}
		o.Webhooks = hooks
	})
	toks, err := agents.NewAPITokens(tc.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tickets.NewStore(tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &apiTest{testConsole: tc, tokens: toks, store: st}
}

var tokenSeq atomic.Int64

func (at *apiTest) token(scopes ...agents.Scope) string {
	at.t.Helper()
	seq := tokenSeq.Add(1)
	tok, err := at.tokens.Create(context.Background(), "it"+strings.Repeat("x", int(seq)), scopes)
	if err != nil {
		at.t.Fatal(err)
	}
	return tok
}

// call sends a request and decodes the JSON answer into out (if not nil).
func (at *apiTest) call(token, method, path string, body any, out any) int {
	at.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	}
	req, _ := http.NewRequest(method, at.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		at.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var e api.ErrorBody
		if err := json.Unmarshal(raw, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			at.t.Fatalf("%s %s: %d answer is not an error object: %s", method, path, resp.StatusCode, raw)
		}
		if eb, ok := out.(*api.ErrorBody); ok {
			*eb = e
		}
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			at.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode
}

func allScopesBut(s agents.Scope) []agents.Scope {
	var out []agents.Scope
	for _, x := range agents.Scopes {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// TestAPIScopeForbidden: every route refuses a token that has every
// scope but the one it needs, and lets that scope through.
func TestAPIScopeForbidden(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	full := at.token(agents.Scopes...)
	var tk tickets.Ticket
	if code := at.call(full, "POST", "/api/v1/tickets", api.TicketCreate{Subject: "printer"}, &tk); code != 201 {
		t.Fatalf("create: %d", code)
	}
	for _, rt := range apiRoutes(&api.API{}) {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = strings.NewReplacer("{number}", tk.Number, "{id}", "1", "{checklist}", "1", "{position}", "1").Replace(path)
		t.Run(rt.Pattern, func(t *testing.T) {
			if code := at.call(at.token(allScopesBut(rt.Scope)...), method, path, nil, nil); code != http.StatusForbidden {
				t.Errorf("without %s: %d, want 403", rt.Scope, code)
			}
			if code := at.call(at.token(rt.Scope), method, path, nil, nil); code == http.StatusForbidden || code == http.StatusUnauthorized {
				t.Errorf("with %s: %d", rt.Scope, code)
			}
		})
	}
}

func TestAPIAuth(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	tok := at.token(agents.ScopeTicketsRead)
	if code := at.call("", "GET", "/api/v1/tickets", nil, nil); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code := at.call("hdk_nonsense", "GET", "/api/v1/tickets", nil, nil); code != 401 {
		t.Errorf("bad token: %d", code)
	}
	if code := at.call(tok, "GET", "/api/v1/tickets", nil, nil); code != 200 {
		t.Errorf("good token: %d", code)
	}
	// Only the hash is stored.
	var n int
	if err := at.pool.Get(&n, `SELECT count(*) FROM api_tokens WHERE token_hash = $1 OR token_hash = $2`, tok, fmt.Sprintf("%x", sha256.Sum256([]byte(tok)))); err != nil || n != 1 {
		t.Fatalf("stored hash rows %d, %v", n, err)
	}
	ts, _ := at.tokens.List(context.Background())
	if err := at.tokens.Revoke(context.Background(), ts[0].Name); err != nil {
		t.Fatal(err)
	}
	if code := at.call(tok, "GET", "/api/v1/tickets", nil, nil); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
	if code := at.call(at.token(agents.ScopeTicketsRead), "GET", "/api/v1/nothing", nil, nil); code != 404 {
		t.Errorf("unknown path: %d", code)
	}
	if _, err := at.tokens.Create(context.Background(), "bad", []agents.Scope{"tickets:everything"}); err == nil {
		t.Error("unknown scope accepted")
	}
}

func TestAPITicketsFlow(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	tok := at.token(agents.ScopeTicketsRead, agents.ScopeTicketsWrite)
	var created []tickets.Ticket
	for i, c := range []api.TicketCreate{
		{Subject: "Printer jammed", Urgency: "high", Impact: "high", RequesterEmail: "Anna@Example.org", RequesterName: "Anna"},
		{Subject: "VPN slow", OriginChannel: "phone"},
		{Subject: "Password reset", Level: 2},
		{Subject: "Scanner offline", Description: "the printer room scanner"},
		{Subject: "New mailbox", Type: "request"},
	} {
		var tk tickets.Ticket
		if code := at.call(tok, "POST", "/api/v1/tickets", c, &tk); code != 201 {
			t.Fatalf("create %d: %d", i, code)
		}
		created = append(created, tk)
	}
	if created[0].Priority != "P1" || created[0].RequesterID == nil || created[1].OriginChannel != "phone" || created[0].OriginChannel != "api" {
		t.Errorf("created ticket: %+v / %+v", created[0], created[1])
	}
	if code := at.call(tok, "POST", "/api/v1/tickets", api.TicketCreate{}, nil); code != 400 {
		t.Errorf("no subject: %d", code)
	}
	if code := at.call(tok, "POST", "/api/v1/tickets", `{"subject":"x","colour":"red"}`, nil); code != 400 {
		t.Errorf("unknown field: %d", code)
	}
	if code := at.call(tok, "POST", "/api/v1/tickets", `{"subject":"`+strings.Repeat("a", api.MaxBody)+`"}`, nil); code != 413 {
		t.Errorf("huge body: %d", code)
	}

	// Pagination walks every ticket once, newest first.
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		var p api.TicketPage
		if code := at.call(tok, "GET", "/api/v1/tickets?limit=2&cursor="+cursor, nil, &p); code != 200 {
			t.Fatalf("page: %d", code)
		}
		for _, tk := range p.Tickets {
			seen = append(seen, tk.Number)
		}
		if p.NextCursor == "" || pages > 5 {
			break
		}
		cursor = p.NextCursor
	}
	var want []string
	for i := len(created) - 1; i >= 0; i-- {
		want = append(want, created[i].Number)
	}
	if !slices.Equal(seen, want) {
		t.Errorf("pages %v, want %v", seen, want)
	}
	filters := []struct {
		query string
		want  []string
	}{
		{"priority=P1", []string{created[0].Number}},
		{"level=2", []string{created[2].Number}},
		{"channel=phone", []string{created[1].Number}},
		{"text=printer", []string{created[3].Number, created[0].Number}},
		{"state=new&text=" + created[4].Number, []string{created[4].Number}},
		{"state=closed", nil},
	}
	for _, f := range filters {
		t.Run(f.query, func(t *testing.T) {
			var p api.TicketPage
			if code := at.call(tok, "GET", "/api/v1/tickets?"+f.query, nil, &p); code != 200 {
				t.Fatalf("%d", code)
			}
			var got []string
			for _, tk := range p.Tickets {
				got = append(got, tk.Number)
			}
			if !slices.Equal(got, f.want) {
				t.Errorf("got %v, want %v", got, f.want)
			}
		})
	}
	if code := at.call(tok, "GET", "/api/v1/tickets?state=bogus", nil, nil); code != 400 {
		t.Errorf("bad state filter: %d", code)
	}

	num := created[0].Number
	var got tickets.Ticket
	if code := at.call(tok, "GET", "/api/v1/tickets/"+strings.ToLower(num), nil, &got); code != 200 || got.ID != created[0].ID {
		t.Errorf("get: %d %+v", code, got)
	}
	if code := at.call(tok, "GET", "/api/v1/tickets/HD-1999-000001", nil, nil); code != 404 {
		t.Errorf("missing: %d", code)
	}
	if code := at.call(tok, "POST", "/api/v1/tickets/"+num+"/comments", api.Comment{Body: "On it", Public: true}, nil); code != 201 {
		t.Errorf("comment: %d", code)
	}
	if code := at.call(tok, "POST", "/api/v1/tickets/"+num+"/comments", api.Comment{Body: "toner?"}, nil); code != 201 {
		t.Errorf("note: %d", code)
	}
	var cs api.Comments
	at.call(tok, "GET", "/api/v1/tickets/"+num+"/comments", nil, &cs)
	if len(cs.Comments) != 1 || cs.Comments[0].Author != "api:"+firstTokenName(t, at) {
		t.Errorf("public comments: %+v", cs.Comments)
	}
	if code := at.call(tok, "POST", "/api/v1/tickets/"+num+"/state", api.StateChange{State: "closed"}, nil); code != 409 {
		t.Errorf("new→closed: %d", code)
	}
	// The closure code is checked against the console's list
	// (console.closure_codes): missing or unknown is a 400 naming the codes.
	for _, code := range []string{"", "fixed", "SOLVED"} {
		var e api.ErrorBody
		if got := at.call(tok, "POST", "/api/v1/tickets/"+num+"/state", api.StateChange{State: "resolved", ClosureCode: code}, &e); got != 400 ||
			e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "solved, workaround, no_reply, duplicate, routed, not_reproducible") {
			t.Errorf("resolve with code %q: %d %+v", code, got, e)
		}
	}

	// A required checklist step blocks resolution unless a reason is given.
	if _, err := at.store.AttachChecklist(context.Background(), at.pool, created[0].ID, "agent", "printer-jam", "Printer jam",
		[]tickets.StepSpec{{Text: "Open tray 2", Required: true}, {Text: "Call the vendor"}}); err != nil {
		t.Fatal(err)
	}
	if code := at.call(tok, "POST", "/api/v1/tickets/"+num+"/state", api.StateChange{State: "resolved", ClosureCode: "solved"}, nil); code != 409 {
		t.Errorf("resolve with open required step: %d", code)
	}
	if code := at.call(tok, "POST", "/api/v1/tickets/"+num+"/state", api.StateChange{State: "resolved", ClosureCode: "solved",
		UncheckedReason: "tray replaced by vendor"}, &got); code != 200 || got.State != tickets.StateResolved {
		t.Errorf("resolve with reason: %d %s", code, got.State)
	}
}

func firstTokenName(t *testing.T, at *apiTest) string {
	ts, err := at.tokens.List(context.Background())
	if err != nil || len(ts) == 0 {
		t.Fatal(err)
	}
	for _, tk := range ts {
		if tk.Has(agents.ScopeTicketsWrite) {
			return tk.Name
		}
	}
	return ""
}

func TestAPIKnowledgeBase(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	reader, editor := at.token(agents.ScopeKBRead), at.token(agents.ScopeKBRead, agents.ScopeKBWrite)
	entry := map[string]any{"id": "vpn-slow", "kind": "faq", "lang": "en", "title": "The VPN is slow",
		"audience": "public", "body": "Restart the client and pick the nearest gateway."}
	if code := at.call(editor, "POST", "/api/v1/kb/entries", entry, nil); code != 201 {
		t.Fatalf("create: %d", code)
	}
	if code := at.call(editor, "POST", "/api/v1/kb/entries", entry, nil); code != 409 {
		t.Errorf("create twice: %d", code)
	}
	if code := at.call(reader, "GET", "/api/v1/kb/entries/vpn-slow", nil, nil); code != 404 {
		t.Errorf("reader sees a draft: %d", code)
	}
	entry["body"] = "Restart the VPN client, then pick the nearest gateway."
	if code := at.call(editor, "PUT", "/api/v1/kb/entries/vpn-slow", entry, nil); code != 200 {
		t.Errorf("update: %d", code)
	}
	if code := at.call(editor, "POST", "/api/v1/kb/entries/vpn-slow/status", api.KBStatus{Status: "published"}, nil); code != 409 {
		t.Errorf("draft→published: %d", code)
	}
	for _, s := range []string{"in_review", "published"} {
		if code := at.call(editor, "POST", "/api/v1/kb/entries/vpn-slow/status", api.KBStatus{Status: kb.Status(s)}, nil); code != 200 {
			t.Fatalf("→%s: %d", s, code)
		}
	}
	var es api.Entries
	at.call(reader, "GET", "/api/v1/kb/entries?lang=en", nil, &es)
	if len(es.Entries) != 1 || !strings.Contains(es.Entries[0].Body, "Restart the VPN client") {
		t.Errorf("published list: %+v", es.Entries)
	}
	if code := at.call(editor, "POST", "/api/v1/kb/entries", map[string]any{"id": "x"}, nil); code != 400 {
		t.Errorf("invalid entry: %d", code)
	}
}

func TestAPIConversationAndUsers(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	at.addUser("maria", agents.RoleAgentL1)
	st, _ := bots.NewStore()
	var convID int64
	err := db.Tx(context.Background(), at.pool, func(tx *sqlx.Tx) error {
		c, _, err := st.LockOpen(context.Background(), tx, "web", "k1", nil, "it", time.Now())
		if err != nil {
			return err
		}
		convID = c.ID
		_, err = st.RecordMessage(context.Background(), tx, &bots.Message{ConversationID: c.ID, Channel: "web", ExternalID: "m1",
			Direction: "in", Author: "requester", Body: "la stampante non va", CreatedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tok := at.token(agents.ScopeConversationsRead, agents.ScopeUsersRead)
	var c api.Conversation
	if code := at.call(tok, "GET", "/api/v1/conversations/"+strconv.FormatInt(convID, 10), nil, &c); code != 200 || len(c.Messages) != 1 || c.Messages[0].Body != "la stampante non va" {
		t.Errorf("conversation: %d %+v", code, c)
	}
	if code := at.call(tok, "GET", "/api/v1/conversations/999999", nil, nil); code != 404 {
		t.Errorf("missing conversation: %d", code)
	}
	var us api.Users
	if code := at.call(tok, "GET", "/api/v1/users", nil, &us); code != 200 || len(us.Users) != 1 || us.Users[0].Username != "maria" {
		t.Errorf("users: %d %+v", code, us)
	}
}

func TestAPIWebhookAdmin(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	tok := at.token(agents.ScopeAdmin)
	var sub webhooks.Subscription
	if code := at.call(tok, "POST", "/api/v1/webhooks", api.WebhookCreate{URL: "https://example.org/hook", Secret: "0123456789abcdef",
		Kinds: []string{webhooks.KindOpened}}, &sub); code != 201 {
		t.Fatalf("subscribe: %d", code)
	}
	for _, u := range []string{"ftp://x", "http://example.org/hook", "https://169.254.169.254/latest/meta-data/", "https://127.0.0.1:8080/"} {
		if code := at.call(tok, "POST", "/api/v1/webhooks", api.WebhookCreate{URL: u, Secret: "0123456789abcdef", Kinds: []string{"ticket.opened"}}, nil); code != 400 {
			t.Errorf("URL %s: %d, want 400", u, code)
		}
	}
	var list api.Webhooks
	at.call(tok, "GET", "/api/v1/webhooks", nil, &list)
	if len(list.Webhooks) != 1 {
		t.Errorf("list: %+v", list)
	}
	var ds api.Deliveries
	if code := at.call(tok, "GET", "/api/v1/webhooks/"+strconv.FormatInt(sub.ID, 10)+"/deliveries", nil, &ds); code != 200 || ds.Deliveries == nil {
		t.Errorf("deliveries: %d %+v", code, ds)
	}
	if code := at.call(tok, "DELETE", "/api/v1/webhooks/"+strconv.FormatInt(sub.ID, 10), nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code := at.call(tok, "DELETE", "/api/v1/webhooks/"+strconv.FormatInt(sub.ID, 10), nil, nil); code != 404 {
		t.Errorf("delete twice: %d", code)
	}
}

func TestAPIChecklists(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	ctx := context.Background()
	kbs, err := kb.NewStore(at.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := kb.Entry{ID: "printer-jam", Kind: kb.KindManual, Lang: "en", Status: kb.StatusDraft, Title: "Paper jam",
		Audience: kb.AudienceInternal, Body: "- [ ] (required) Switch the printer off\n- [ ] Clean the rollers\n"}
	if _, _, err := kbs.Save(ctx, e, "ed", ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := kbs.Transition(ctx, "printer-jam", s, "ed"); err != nil {
			t.Fatal(err)
		}
	}
	tok := at.token(agents.ScopeTicketsRead, agents.ScopeTicketsWrite)
	var tk tickets.Ticket
	at.call(tok, "POST", "/api/v1/tickets", api.TicketCreate{Subject: "Printer jam"}, &tk)
	base := "/api/v1/tickets/" + tk.Number
	var cl tickets.Checklist
	if code := at.call(tok, "POST", base+"/checklists", api.ChecklistAttach{EntryID: "printer-jam"}, &cl); code != 201 || len(cl.Steps) != 2 {
		t.Fatalf("attach: %d %+v", code, cl)
	}
	if code := at.call(tok, "POST", base+"/state", api.StateChange{State: "resolved", ClosureCode: "solved"}, nil); code != 409 {
		t.Errorf("resolve with the required step open: %d", code)
	}
	step := base + "/checklists/" + strconv.FormatInt(cl.ID, 10) + "/steps/1"
	var st tickets.Step
	if code := at.call(tok, "POST", step, map[string]bool{"done": true}, &st); code != 200 || st.DoneAt == nil {
		t.Fatalf("tick: %d %+v", code, st)
	}
	if code := at.call(tok, "POST", base+"/checklists/"+strconv.FormatInt(cl.ID, 10)+"/steps/7", map[string]bool{"done": true}, nil); code != 404 {
		t.Errorf("missing step: %d", code)
	}
	if code := at.call(tok, "POST", base+"/state", api.StateChange{State: "resolved", ClosureCode: "solved"}, nil); code != 200 {
		t.Errorf("resolve after ticking: %d", code)
	}
	var cls api.Checklists
	if at.call(tok, "GET", base+"/checklists", nil, &cls); len(cls.Checklists) != 1 || cls.Checklists[0].Steps[0].DoneBy == "" {
		t.Errorf("checklists %+v", cls)
	}
}

// exampleOrgResolver resolves example.org to its public address (no DNS
// in tests); other names do not resolve.
type exampleOrgResolver struct{}

func (exampleOrgResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if host == "example.org" {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
	}
	return nil, errors.New("no such host")
}
