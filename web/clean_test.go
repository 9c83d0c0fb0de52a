// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"helpdesk/web/clean"
	"helpdesk/web/portal"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
)

// Odd bytes: a NUL or a byte that is not UTF-8 from any web edge is
// cleaned before it is recorded, never answered with a 500 and never lost.

func TestOddBytesWebChat(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	v := p.visitor()
	// JSON carries the NUL as \u0000; json.Marshal turns the invalid byte
	// into U+FFFD already, so the raw body is written by hand as well.
	if code := v.send(map[string]string{"text": "la stampante\x00 non stampa"}); code != 200 {
		t.Fatalf("send with U+0000 = %d", code)
	}
	v.wait("bot", "La stampante di rete non stampa")
	var body string
	if err := p.pool.Get(&body, `SELECT body FROM messages WHERE channel = 'web' AND direction = 'in'`); err != nil {
		t.Fatal(err)
	}
	if body != "la stampante non stampa" {
		t.Fatalf("recorded %q", body)
	}
	req, _ := http.NewRequest(http.MethodPost, p.ts.URL+"/help/chat/send", strings.NewReader("{\"id\":\"raw1\",\"text\":\"grazie \xff\xfe\"}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(portal.ChatKeyHeader, v.key)
	if code, b, _ := p.do(v.c, req); code != 200 {
		t.Fatalf("send with invalid UTF-8 = %d %s", code, b)
	}
	if err := p.pool.Get(&body, `SELECT body FROM messages WHERE channel = 'web' AND direction = 'in' AND external_id LIKE '%:raw1'`); err != nil {
		t.Fatal(err)
	}
	if body != "grazie \uFFFD\uFFFD" {
		t.Fatalf("recorded %q", body)
	}
}

func TestOddBytesWebForm(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	for name, post := range map[string]func(url.Values) (int, string, http.Header){
		"urlencoded": func(f url.Values) (int, string, http.Header) { return p.postForm(c, "/help/request", f) },
		"multipart": func(f url.Values) (int, string, http.Header) {
			return p.postMultipart(c, "/help/request", f, "", nil)
		},
	} {
		f := validForm("anna." + name + "@example.org")
		f.Set("subject", "La stampante\x00 "+name+" non stampa pi\xf9")
		f.Set("name", "Anna\x00 Rossi")
		code, body, _ := post(f)
		if code != http.StatusSeeOther {
			t.Fatalf("%s: submit = %d\n%.600s", name, code, body)
		}
		var subject string
		if err := p.pool.Get(&subject, `SELECT subject FROM tickets WHERE subject LIKE '%'||$1||'%'`, name); err != nil {
			t.Fatal(err)
		}
		if want := "La stampante " + name + " non stampa pi\uFFFD"; subject != want {
			t.Fatalf("%s: subject %q, want %q", name, subject, want)
		}
	}
}

func TestOddBytesAPI(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	tok := at.token(agents.ScopeTicketsRead, agents.ScopeTicketsWrite)
	var tk struct{ Subject string }
	if code := at.call(tok, "POST", "/api/v1/tickets", "{\"subject\":\"VPN\\u0000 lenta \xff\",\"description\":\"da ieri\\u0000\"}", &tk); code != 201 {
		t.Fatalf("create with U+0000 = %d", code)
	}
	if tk.Subject != "VPN lenta \uFFFD" {
		t.Fatalf("subject %q", tk.Subject)
	}
	for _, q := range []string{"text=%00", "text=%FF%FE", "channel=%00", "state=%00", "priority=%FF", "text=" + strings.Repeat("a", 250) + "%C3"} {
		if code := at.call(tok, "GET", "/api/v1/tickets?"+q, nil, nil); code >= 500 {
			t.Errorf("GET /api/v1/tickets?%s = %d", q, code)
		}
	}
}

// TestOddBytesConsoleFilters: every console page with a filter answers a
// NUL, an invalid byte or a filter cut in the middle of a character with a
// page or a 400, never a 500.
func TestOddBytesConsoleFilters(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	tc.addUser("sup", agents.RoleSupervisor)
	tc.addUser("adm", agents.RoleAdmin)
	sup, adm := tc.login("sup"), tc.login("adm")
	long := strings.Repeat("a", 199) + "è"
	for _, path := range []string{"/console/tickets", "/console/kb", "/console/inbox/list", "/console/contacts/requesters",
		"/console/reports", "/console/notifications/list"} {
		for _, q := range []string{"q=%00", "q=%FF%FE", "state=%00&priority=%FF&group=%00&channel=%C3", "status=%00&lang_filter=%FF",
			"q=" + url.QueryEscape(long), "period=%00", "group=%00"} {
			if code, body, _ := sup.get(path + "?" + q); code >= 500 {
				t.Errorf("GET %s?%s = %d\n%.300s", path, q, code, body)
			}
		}
	}
	for _, q := range []string{"q=%00", "role=%FF"} {
		if code, _, _ := adm.get("/console/admin/users?" + q); code >= 500 {
			t.Errorf("GET /console/admin/users?%s = %d", q, code)
		}
	}
}

func TestCleanStrings(t *testing.T) {
	t.Parallel()
	type inner struct{ S string }
	v := struct {
		A string
		B *string
		C []string
		D map[string]any
		E inner
		f string
	}{A: "a\x00", B: new(string), C: []string{"\xff"}, D: map[string]any{"k\x00": "v\x00", "n": []any{"x\x00"}}, E: inner{"\x00e"}, f: "\x00"}
	*v.B = "b\x00"
	clean.Strings(&v)
	if v.A != "a" || *v.B != "b" || v.C[0] != "\uFFFD" || v.D["k"] != "v" || v.D["n"].([]any)[0] != "x" || v.E.S != "e" || v.f != "\x00" {
		t.Fatalf("%+v", v)
	}
}
