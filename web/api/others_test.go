// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/web/problem"
)

func TestAPIBadRequestf(t *testing.T) {
	err := apiBadRequestf("limit must be 1 to %d", 200)
	if p := problem.Of(err); p.Status != http.StatusBadRequest || !strings.HasSuffix(err.Error(), ": limit must be 1 to 200") {
		t.Fatalf("%v → %+v", err, p)
	}
}

func TestAPIPathID(t *testing.T) {
	for v, want := range map[string]int64{"1": 1, "42": 42, "9223372036854775807": 1<<63 - 1,
		"0": 0, "-1": 0, "x": 0, "": 0, "1.0": 0, " 1": 0, "9223372036854775808": 0} {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetPathValue("id", v)
		id, err := apiPathID(r)
		if want == 0 {
			if err == nil || problem.Of(err).Status != http.StatusNotFound {
				t.Errorf("%q: %d, %v; want a 404", v, id, err)
			}
			continue
		}
		if err != nil || id != want {
			t.Errorf("%q: %d, %v; want %d", v, id, err, want)
		}
	}
}

func TestSeesInternal(t *testing.T) {
	for _, c := range []struct {
		scopes []agents.Scope
		want   bool
	}{
		{nil, false},
		{[]agents.Scope{agents.ScopeKBRead}, false},
		{[]agents.Scope{agents.ScopeKBRead, agents.ScopeTicketsRead, agents.ScopeAdmin}, false},
		{[]agents.Scope{agents.ScopeKBInternal}, true},
		{[]agents.Scope{agents.ScopeKBRead, agents.ScopeKBWrite}, true},
	} {
		if got := seesInternal(unitToken(c.scopes...)); got != c.want {
			t.Errorf("%v: %v", c.scopes, got)
		}
	}
}

// TestConversationGet: a conversation with its messages in order; an id
// that is no conversation's is a 404, whatever its form.
func TestConversationGet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var id int64
	err := db.Tx(ctx, f.pool, func(tx *sqlx.Tx) error {
		c, _, err := f.api.convs.LockOpen(ctx, tx, "telegram", "chat-1", nil, "it", at)
		if err != nil {
			return err
		}
		id = c.ID
		for i, body := range []string{"La stampante non stampa", "Hai provato a spegnerla?"} {
			dir := map[int]string{0: "in", 1: "out"}[i]
			if _, err := f.api.convs.RecordMessage(ctx, tx, &bots.Message{ConversationID: c.ID, Channel: "telegram", ExternalID: "m" + strconv.Itoa(i),
				Direction: dir, Author: "anna", Body: body, CreatedAt: at.Add(time.Duration(i) * time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tok := unitToken(agents.ScopeConversationsRead)
	var c Conversation
	decode(t, f.do(f.api.ConversationGet, tok, "GET", "/x", nil, "id="+strconv.FormatInt(id, 10)), http.StatusOK, &c)
	if c.ID != id || c.Channel != "telegram" || c.Lang != "it" || c.State != string(bots.StateBot) || len(c.Messages) != 2 ||
		c.Messages[0].Body != "La stampante non stampa" || c.Messages[0].Direction != "in" || c.Messages[1].Direction != "out" {
		t.Fatalf("conversation %+v", c)
	}
	for _, bad := range []string{"0", "-1", "x", strconv.FormatInt(id+1000, 10)} {
		failed(t, f.do(f.api.ConversationGet, tok, "GET", "/x", nil, "id="+bad), http.StatusNotFound, "not_found")
	}
}

// The KB readers' tokens: the help centre's view, with internal entries,
// an editor's.
var (
	reader   = unitToken(agents.ScopeKBRead)
	internal = unitToken(agents.ScopeKBRead, agents.ScopeKBInternal)
	writer   = unitToken(agents.ScopeKBWrite)
)

// kbFixture is an API whose KB has a published public and a published
// internal entry, and a public and an internal draft.
func kbFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	f.entry("printer-public", kb.AudiencePublic, kb.StatusPublished, "Switch it off.\n")
	f.entry("printer-internal", kb.AudienceInternal, kb.StatusPublished, procedure)
	f.entry("printer-draft", kb.AudiencePublic, kb.StatusDraft, "Not yet.\n")
	f.entry("internal-draft", kb.AudienceInternal, kb.StatusDraft, "Not yet.\n")
	return f
}

// TestKBList: only published entries; kb:read sees the public ones
// only and is refused the internal audience; kb:internal or kb:write see
// both; lang and audience are checked as given.
func TestKBList(t *testing.T) {
	t.Parallel()
	f := kbFixture(t)
	list := func(tok agents.APIToken, query string) []string {
		t.Helper()
		var es Entries
		decode(t, f.do(f.api.KBList, tok, "GET", "/x"+query, nil), http.StatusOK, &es)
		var ids []string
		for _, e := range es.Entries {
			ids = append(ids, e.ID)
		}
		return ids
	}
	for _, c := range []struct {
		tok   agents.APIToken
		query string
		want  string
	}{
		{reader, "", "printer-public"},
		{reader, "?audience=public", "printer-public"},
		{reader, "?lang=en", "printer-public"},
		{reader, "?lang=it", ""},
		{internal, "", "printer-internal printer-public"},
		{internal, "?audience=internal", "printer-internal"},
		{writer, "", "printer-internal printer-public"},
		{writer, "?audience=public", "printer-public"},
	} {
		ids := list(c.tok, c.query)
		slices.Sort(ids)
		got := strings.Join(ids, " ")
		if got != c.want {
			t.Errorf("%v %q: %q, want %q", c.tok.Scopes, c.query, got, c.want)
		}
	}
	failed(t, f.do(f.api.KBList, reader, "GET", "/x?audience=internal", nil), http.StatusForbidden, "forbidden", string(agents.ScopeKBInternal))
	for _, q := range []string{"?lang=", "?lang=de", "?lang=IT", "?audience=", "?audience=everyone"} {
		failed(t, f.do(f.api.KBList, internal, "GET", "/x"+q, nil), http.StatusBadRequest, "invalid")
	}
}

// TestKBGet: a draft only for kb:write, an internal entry only for
// kb:internal or kb:write; the others are told it does not exist.
func TestKBGet(t *testing.T) {
	t.Parallel()
	f := kbFixture(t)
	for _, c := range []struct {
		tok  agents.APIToken
		id   string
		sees bool
	}{
		{reader, "printer-public", true}, {reader, "printer-internal", false}, {reader, "printer-draft", false}, {reader, "internal-draft", false},
		{internal, "printer-public", true}, {internal, "printer-internal", true}, {internal, "printer-draft", false}, {internal, "internal-draft", false},
		{writer, "printer-public", true}, {writer, "printer-internal", true}, {writer, "printer-draft", true}, {writer, "internal-draft", true},
		{writer, "no-such-entry", false}, {writer, "Bad Id", false},
	} {
		w := f.do(f.api.KBGet, c.tok, "GET", "/x", nil, "id="+c.id)
		if !c.sees {
			failedAs(t, strings.Join(c.tok.Scopes, "+")+" "+c.id, w, http.StatusNotFound, "not_found")
			continue
		}
		var e kb.Entry
		decode(t, w, http.StatusOK, &e)
		if e.ID != c.id {
			t.Errorf("%s: got %s", c.id, e.ID)
		}
	}
}

func TestKBCreateUpdateStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := unitToken(agents.ScopeKBWrite)
	entry := kb.Entry{ID: "vpn-reset", Kind: kb.KindManual, Lang: "en", Title: "  Reset the VPN  ", Audience: kb.AudiencePublic, Body: "Reconnect.\r\n"}
	var got kb.Entry
	decode(t, f.do(f.api.KBCreate, tok, "POST", "/x", entry), http.StatusCreated, &got)
	if got.Status != kb.StatusDraft || got.Title != "Reset the VPN" || got.Body != "Reconnect." {
		t.Fatalf("created %+v, want a normalised draft", got)
	}
	failed(t, f.do(f.api.KBCreate, tok, "POST", "/x", entry), http.StatusConflict, "conflict", "use PUT")
	bad := entry
	bad.ID, bad.Title = "no-title", ""
	failed(t, f.do(f.api.KBCreate, tok, "POST", "/x", bad), http.StatusBadRequest, "invalid")
	bad.ID, bad.Title = "vpn-reset", "" // invalid and taken: invalid first
	failed(t, f.do(f.api.KBCreate, tok, "POST", "/x", bad), http.StatusBadRequest, "invalid")
	failed(t, f.do(f.api.KBCreate, tok, "POST", "/x", `{"id":"x-y","revision":3}`), http.StatusBadRequest, "invalid")

	upd := entry
	upd.ID, upd.Title = "", "Reset your VPN"
	decode(t, f.do(f.api.KBUpdate, tok, "PUT", "/x", upd, "id=vpn-reset"), http.StatusOK, &got)
	if got.ID != "vpn-reset" || got.Title != "Reset your VPN" {
		t.Fatalf("updated %+v", got)
	}
	upd.ID = "other-id"
	failed(t, f.do(f.api.KBUpdate, tok, "PUT", "/x", upd, "id=vpn-reset"), http.StatusBadRequest, "invalid", "differs")
	failed(t, f.do(f.api.KBUpdate, tok, "PUT", "/x", entry, "id=no-such-entry"), http.StatusNotFound, "not_found")
	upd.ID, upd.Title = "vpn-reset", ""
	failed(t, f.do(f.api.KBUpdate, tok, "PUT", "/x", upd, "id=vpn-reset"), http.StatusBadRequest, "invalid")
	stored, err := f.api.kb.Get(context.Background(), "vpn-reset")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Title != "Reset your VPN" {
		t.Fatalf("a refused update changed the entry: %+v", stored)
	}

	for _, s := range []string{"", "bogus", "Published"} {
		failed(t, f.do(f.api.KBSetStatus, tok, "POST", "/x", KBStatus{Status: kb.Status(s)}, "id=vpn-reset"), http.StatusBadRequest, "invalid")
	}
	failed(t, f.do(f.api.KBSetStatus, tok, "POST", "/x", KBStatus{Status: kb.StatusPublished}, "id=vpn-reset"), http.StatusConflict, "illegal_transition")
	failed(t, f.do(f.api.KBSetStatus, tok, "POST", "/x", KBStatus{Status: kb.StatusInReview}, "id=no-such-entry"), http.StatusNotFound, "not_found")
	decode(t, f.do(f.api.KBSetStatus, tok, "POST", "/x", KBStatus{Status: kb.StatusInReview}, "id=vpn-reset"), http.StatusOK, &got)
	if got.Status != kb.StatusInReview {
		t.Fatalf("status %s", got.Status)
	}
}

func TestUserList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := unitToken(agents.ScopeUsersRead)
	w := f.do(f.api.UserList, tok, "GET", "/x", nil)
	decode(t, w, http.StatusOK, nil)
	if !strings.Contains(w.Body.String(), `"users":[]`) {
		t.Fatalf("no users: %s", w.Body)
	}
	if _, err := f.api.users.Add(context.Background(), agents.NewUser{Username: "marta", DisplayName: "Marta", Email: "marta@example.org",
		Lang: "it", Role: agents.RoleAgentL1, Password: "correct horse battery staple"}); err != nil {
		t.Fatal(err)
	}
	w = f.do(f.api.UserList, tok, "GET", "/x", nil)
	var us Users
	decode(t, w, http.StatusOK, &us)
	if len(us.Users) != 1 || us.Users[0].Username != "marta" || us.Users[0].Email != "marta@example.org" || us.Users[0].Role != agents.RoleAgentL1 || !us.Users[0].Active {
		t.Fatalf("users %+v", us)
	}
	if body := strings.ToLower(w.Body.String()); strings.Contains(body, "password") || strings.Contains(body, "hash") || strings.Contains(body, "$2") {
		t.Fatalf("the list shows a password: %s", w.Body)
	}
}

// exampleOrg resolves example.org to a public address (no DNS in
// tests); other names do not resolve.
type exampleOrg struct{}

func (exampleOrg) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if host == "example.org" {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
	}
	return nil, errors.New("no such host")
}

// TestWebhooksOff: without the service every webhook route is a 404.
func TestWebhooksOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := unitToken(agents.ScopeAdmin)
	for name, h := range map[string]handler{"list": f.api.WebhookList, "create": f.api.WebhookCreate,
		"delete": f.api.WebhookDelete, "deliveries": f.api.WebhookDeliveries} {
		failedAs(t, name, f.do(h, tok, "POST", "/x", WebhookCreate{URL: "https://example.org/h", Kinds: []string{webhooks.KindOpened}}, "id=1"),
			http.StatusNotFound, "not_found")
	}
}

func TestWebhooks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hooks, err := webhooks.New(f.pool, webhooks.Options{Resolver: exampleOrg{}})
	if err != nil {
		t.Fatal(err)
	}
	f.api.hooks = hooks
	tok := unitToken(agents.ScopeAdmin)
	var list Webhooks
	decode(t, f.do(f.api.WebhookList, tok, "GET", "/x", nil), http.StatusOK, &list)
	if len(list.Webhooks) != 0 {
		t.Fatalf("list %+v", list)
	}
	for name, in := range map[string]WebhookCreate{
		"no kinds":      {URL: "https://example.org/h", Secret: "s3cret-s3cret-s3cret"},
		"short secret":  {URL: "https://example.org/h", Secret: "short", Kinds: []string{webhooks.KindOpened}},
		"unknown kind":  {URL: "https://example.org/h", Secret: "s3cret-s3cret-s3cret", Kinds: []string{"ticket.eaten"}},
		"unresolvable":  {URL: "https://nowhere.invalid/h", Secret: "s3cret-s3cret-s3cret", Kinds: []string{webhooks.KindOpened}},
		"not a URL":     {URL: "::", Secret: "s3cret-s3cret-s3cret", Kinds: []string{webhooks.KindOpened}},
		"private place": {URL: "https://127.0.0.1/h", Secret: "s3cret-s3cret-s3cret", Kinds: []string{webhooks.KindOpened}},
	} {
		failedAs(t, name, f.do(f.api.WebhookCreate, tok, "POST", "/x", in), http.StatusBadRequest, "invalid")
	}
	var sub webhooks.Subscription
	decode(t, f.do(f.api.WebhookCreate, tok, "POST", "/x", WebhookCreate{URL: "https://example.org/h", Secret: "s3cret-s3cret-s3cret",
		Kinds: []string{webhooks.KindOpened}}), http.StatusCreated, &sub)
	if sub.ID == 0 || sub.URL != "https://example.org/h" {
		t.Fatalf("subscribed %+v", sub)
	}
	decode(t, f.do(f.api.WebhookList, tok, "GET", "/x", nil), http.StatusOK, &list)
	if len(list.Webhooks) != 1 || list.Webhooks[0].ID != sub.ID {
		t.Fatalf("list %+v", list)
	}
	id := strconv.FormatInt(sub.ID, 10)
	w := f.do(f.api.WebhookDeliveries, tok, "GET", "/x", nil, "id="+id)
	decode(t, w, http.StatusOK, nil)
	if !strings.Contains(w.Body.String(), `"deliveries":[]`) {
		t.Fatalf("no deliveries: %s", w.Body)
	}
	for _, bad := range []string{"x", "0", strconv.FormatInt(sub.ID+1, 10)} {
		failedAs(t, "deliveries of "+bad, f.do(f.api.WebhookDeliveries, tok, "GET", "/x", nil, "id="+bad), http.StatusNotFound, "not_found")
		failedAs(t, "delete "+bad, f.do(f.api.WebhookDelete, tok, "DELETE", "/x", nil, "id="+bad), http.StatusNotFound, "not_found")
	}
	if w := f.do(f.api.WebhookDelete, tok, "DELETE", "/x", nil, "id="+id); w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Fatalf("delete: %d %s", w.Code, w.Body)
	}
	failed(t, f.do(f.api.WebhookDelete, tok, "DELETE", "/x", nil, "id="+id), http.StatusNotFound, "not_found")
	failed(t, f.do(f.api.WebhookDeliveries, tok, "GET", "/x", nil, "id="+id), http.StatusNotFound, "not_found")
}
