// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
	"helpdesk/web/console"
	"helpdesk/web/intake"
)

// TestConsoleFiltersRefuseBadValues: every filter of the console's pages
// answers a bad value — one not offered, not a number, a NUL byte,
// invalid UTF-8, too long, a date written wrong — with 400 and a message
// naming the filter in the agent's language; never a page quietly built
// without the filter (200) and never a 500. The good values still work.
func TestConsoleFiltersRefuseBadValues(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	tc.addUser("sara", agents.RoleSupervisor)
	c := tc.login("sara")
	store, err := kb.NewStore(tc.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := kb.Entry{ID: "filtri-prova", Kind: kb.KindFAQ, Lang: kb.LangIT, Title: "Prova dei filtri", Body: "Uno.", Audience: kb.AudiencePublic}
	if _, _, err := store.Save(context.Background(), e, "test", ""); err != nil {
		t.Fatal(err)
	}
	e.Body = "Due."
	if _, _, err := store.Save(context.Background(), e, "test", ""); err != nil {
		t.Fatal(err)
	}

	const nul, badUTF8 = "a\x00b", "\xff\xfe"
	long := strings.Repeat("x", 201)
	type bad struct{ value, problem string }
	text := []bad{{nul, "chars"}, {badUTF8, "chars"}, {long, "long"}}
	choice := append([]bad{{"bogus", "unknown"}}, text[:2]...)
	number := append([]bad{{"abc", "number"}, {"-1", "number"}, {"99999999999999999999", "number"}}, text[:2]...)
	tests := []struct {
		path, param, good string
		bad               []bad
	}{
		{"/console/tickets", "state", "open", append(choice, bad{"OPEN", "unknown"})},
		{"/console/tickets", "priority", "P2", append(choice, bad{"P5", "unknown"})},
		{"/console/tickets", "level", "2", append(number, bad{"3", "number"}, bad{"0", "number"})},
		{"/console/tickets", "channel", "email", choice},
		{"/console/tickets", "group", "Sanità", text},
		{"/console/tickets", "q", "stampante", text},
		{"/console/tickets", "after", "5", number},
		{"/console/inbox", "group", "Sanità", text},
		{"/console/kb", "q", "vpn", text},
		{"/console/kb", "status", "published", choice},
		{"/console/kb", "lang_filter", "en", choice},
		{"/console/kb/filtri-prova/history", "a", "1", append(number, bad{"7", "number"})},
		{"/console/kb/filtri-prova/history", "b", "2", append(number, bad{"3", "number"})},
		{"/console/notifications", "all", "1", append(choice, bad{"yes", "unknown"})},
		{"/console/contacts/new", "channel", "fax", choice},
		{"/console/reports?period=month", "month", "2026-02", []bad{{"2026-13", "date"}, {"febbraio", "date"}, {nul, "chars"}, {badUTF8, "chars"}}},
		{"/console/reports?period=quarter", "quarter", "2026-Q1", []bad{{"2026-Q5", "date"}, {"Q1", "date"}, {nul, "chars"}, {badUTF8, "chars"}}},
		{"/console/reports?period=custom&to=2026-02-28", "from", "2026-01-01", []bad{{"2026-02-30", "date"}, {"1/1/2026", "date"}, {nul, "chars"}, {badUTF8, "chars"}}},
		{"/console/reports?period=custom&from=2026-01-01", "to", "2026-01-31", []bad{{"2025-12-01", "range"}, {"2031-01-01", "range"}, {"x", "date"}, {nul, "chars"}}},
		{"/console/reports", "period", "month", choice},
	}
	messages := map[string]map[string]string{ // lang → problem → the words the page must show
		"it": {"unknown": "non è tra quelli proposti", "number": "numero intero", "chars": "caratteri non ammessi",
			"long": "troppo lungo", "date": "forma attesa", "range": "periodo"},
		"en": {"unknown": "not one of those offered", "number": "whole number", "chars": "not allowed",
			"long": "too long", "date": "expected form", "range": "period"},
	}
	with := func(path, param, value, lang string) string {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return path + sep + url.Values{param: {value}, "lang": {lang}}.Encode()
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/console/")+"/"+tt.param, func(t *testing.T) {
			if code, body, _ := c.get(with(tt.path, tt.param, tt.good, "it")); code != http.StatusOK {
				t.Fatalf("good value %q: %d\n%.300s", tt.good, code, body)
			}
			for _, b := range tt.bad {
				for _, lang := range []string{"it", "en"} {
					code, body, _ := c.get(with(tt.path, tt.param, b.value, lang))
					if code != http.StatusBadRequest {
						t.Errorf("%s=%q (%s): %d, want 400", tt.param, b.value, lang, code)
						continue
					}
					field := console.Text.T(lang, "filter.field."+tt.param)
					want := messages[lang][b.problem]
					if !strings.Contains(body, field) || !strings.Contains(body, want) {
						t.Errorf("%s=%q (%s): the page does not say %q and %q", tt.param, b.value, lang, field, want)
					}
				}
			}
		})
	}

	// The contact page's type-ahead answers JSON: 400 with the message.
	for _, v := range []string{nul, badUTF8, strings.Repeat("x", intake.MaxNameBytes+1)} {
		code, body, _ := c.get("/console/contacts/requesters?" + url.Values{"q": {v}, "lang": {"en"}}.Encode())
		var msg map[string]string
		if code != http.StatusBadRequest || json.Unmarshal([]byte(body), &msg) != nil || !strings.Contains(msg["error"], "Text") {
			t.Errorf("type-ahead q=%q: %d %s", v, code, body)
		}
	}
	if code, _, _ := c.get("/console/contacts/requesters?q=ros"); code != http.StatusOK {
		t.Errorf("type-ahead with a good value: %d", code)
	}
}
