// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestHelpCentrePages(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	tests := []struct {
		name     string
		path     string
		lang     string
		code     int
		want     []string
		dontWant []string
	}{
		{"home lists categories and kinds", "/help/", "it", 200,
			[]string{`<html lang="it">`, `href="/help/c/Stampa"`, `href="/help/c/Cartella%20clinica"`, "Guide passo passo", `href="/help/a/vpn-configurazione"`, `action="/help/search"`},
			[]string{"procedura-interna", "printer-not-printing"}},
		{"home in English", "/help/", "en", 200,
			[]string{`<html lang="en">`, "How can we help?", `href="/help/a/printer-not-printing"`}, []string{"stampante-non-stampa"}},
		{"category", "/help/c/Stampa", "it", 200, []string{"La stampante di rete non stampa"}, []string{"Procedura interna"}},
		{"unknown category", "/help/c/Nulla", "it", 404, []string{"Pagina non trovata"}, nil},
		{"kind list", "/help/k/tutorial", "it", 200, []string{"Configurare la VPN aziendale"}, []string{"La stampante"}},
		{"unknown kind", "/help/k/blog", "en", 404, []string{"Page not found"}, nil},
		{"tutorial with video and slides", "/help/a/vpn-configurazione", "it", 200,
			[]string{`<video controls preload="metadata" src="/help/media/test/vpn.mp4">`, `<img src="/help/media/test/vpn.svg" alt="I passi in una pagina"`,
				"Configurare il client VPN (1:30)", "<p>Installare il client VPN", `name="helpful" value="yes"`}, nil},
		{"manual section keeps its anchor", "/help/a/manuale-cartella-avvio", "it", 200, []string{`id="avvio"`, "Manuali"}, nil},
		{"translation linked", "/help/a/stampante-non-stampa", "it", 200,
			[]string{`href="/help/a/printer-not-printing" hreflang="en"`, "svuotare la coda di stampa"}, nil},
		{"internal entry is not public", "/help/a/procedura-interna", "it", 404, nil, []string{"secondo livello"}},
		{"unknown entry", "/help/a/nessuna", "it", 404, nil, nil},
		{"bot link moves to the help centre", "/kb/stampante-non-stampa", "it", 301, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := p.get(c, tt.path, "Accept-Language", tt.lang)
			if code != tt.code {
				t.Fatalf("GET %s = %d, want %d\n%.600s", tt.path, code, tt.code, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: missing %q", tt.path, w)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(body, w) {
					t.Errorf("GET %s: should not contain %q", tt.path, w)
				}
			}
		})
	}
}

func TestHelpLanguageSwitchIsRemembered(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	_, body, _ := p.get(c, "/help/?lang=en", "Accept-Language", "it")
	if !strings.Contains(body, `href="/help/?lang=it"`) || !strings.Contains(body, "How can we help?") {
		t.Fatalf("English page with a switch back expected:\n%.800s", body)
	}
	_, body, _ = p.get(c, "/help/request", "Accept-Language", "it")
	if !strings.Contains(body, "Open a help desk request") {
		t.Fatalf("the chosen language was not kept:\n%.600s", body)
	}
}

func TestHelpMedia(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	tests := []struct {
		path string
		code int
		ct   string
	}{
		{"/help/media/test/vpn.svg", 200, "image/svg+xml"},
		{"/help/media/test/vpn.mp4", 200, "video/mp4"},
		{"/kb/media/test/vpn.svg", 200, "image/svg+xml"},
		{"/help/media/test/missing.svg", 404, ""},
		{"/help/media/test", 404, ""},
		{"/help/media/../../help.go", 0, ""},
		{"/help/media/..%2f..%2fhelp.go", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, _, h := p.get(c, tt.path)
			if tt.code == 0 && code != 200 && code < 500 {
				return // refused or redirected to a clean path: not served
			}
			if code != tt.code {
				t.Fatalf("GET %s = %d, want %d", tt.path, code, tt.code)
			}
			if tt.ct != "" && !strings.HasPrefix(h.Get("Content-Type"), tt.ct) {
				t.Errorf("Content-Type %q, want %q", h.Get("Content-Type"), tt.ct)
			}
			if tt.ct == "image/svg+xml" && !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("an SVG served alone must be sandboxed, CSP %q", h.Get("Content-Security-Policy"))
			}
		})
	}
}

var hitLink = regexp.MustCompile(`href="/help/a/([a-z0-9-]+)\?s=(\d+)"`)

func TestHelpSearch(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	tests := []struct {
		q, lang, wantFirst string
	}{
		{"la stampante non stampa", "it", "stampante-non-stampa"},
		{"come configuro la vpn", "it", "vpn-configurazione"},
		{"the printer does not print", "en", "printer-not-printing"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			code, body, _ := p.get(c, "/help/search?q="+url.QueryEscape(tt.q), "Accept-Language", tt.lang)
			if code != 200 {
				t.Fatalf("search = %d", code)
			}
			m := hitLink.FindStringSubmatch(body)
			if m == nil || m[1] != tt.wantFirst {
				t.Fatalf("first hit %v, want %s\n%.1200s", m, tt.wantFirst, body)
			}
			if !strings.Contains(body, `value="`+tt.q+`"`) {
				t.Errorf("the search box should keep the query")
			}
		})
	}
	_, body, _ := p.get(c, "/help/search?q=zzzqqq+xyzzy", "Accept-Language", "en")
	if !strings.Contains(body, "No results for") || !strings.Contains(body, `href="/help/request"`) {
		t.Errorf("no-result page should offer a request:\n%.800s", body)
	}
}

func TestHelpFeedback(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	_, body, _ := p.get(c, "/help/search?q=la+stampante+non+stampa")
	m := hitLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no hit")
	}
	code, _, h := p.postForm(c, "/help/a/stampante-non-stampa/feedback", url.Values{"helpful": {"no"}, "s": {m[2]}})
	if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "voted=no") {
		t.Fatalf("vote = %d %s", code, h.Get("Location"))
	}
	var got struct {
		Helpful  *bool  `db:"helpful"`
		SearchID *int64 `db:"search_id"`
		Channel  string `db:"channel"`
	}
	if err := p.pool.Get(&got, `SELECT helpful, search_id, channel FROM kb_answers WHERE entry_slug = 'stampante-non-stampa'`); err != nil {
		t.Fatal(err)
	}
	if got.Helpful == nil || *got.Helpful || got.SearchID == nil || got.Channel != "web" {
		t.Fatalf("recorded %+v, want helpful=false tied to the search on channel web", got)
	}
	_, body, _ = p.get(c, "/help/a/stampante-non-stampa?voted=no")
	if !strings.Contains(body, `id="fb-thanks"`) {
		t.Errorf("thanks missing")
	}
	// A "no" confirms nothing; a "yes" after the same search records the
	// search's query as a confirmation of the entry, by a hash of the
	// address; a forged search id records none.
	confirmations := func() []string {
		t.Helper()
		var rows []string
		if err := p.pool.Select(&rows, `SELECT query || '|' || entry_slug || '|' || source || '|' || who FROM kb_confirmations ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if got := confirmations(); len(got) != 0 {
		t.Fatalf("confirmations after a no: %v", got)
	}
	if code, _, _ := p.postForm(c, "/help/a/stampante-non-stampa/feedback", url.Values{"helpful": {"yes"}, "s": {m[2]}}); code != http.StatusSeeOther {
		t.Fatalf("yes vote = %d", code)
	}
	if code, _, _ := p.postForm(c, "/help/a/stampante-non-stampa/feedback", url.Values{"helpful": {"yes"}, "s": {"999998"}}); code != http.StatusSeeOther {
		t.Fatalf("yes vote with a forged search = %d", code)
	}
	got2 := confirmations()
	if len(got2) != 1 || !strings.HasPrefix(got2[0], "la stampante non stampa|stampante-non-stampa|vote|web:") || strings.Contains(got2[0], "127.0.0.1") {
		t.Fatalf("confirmations after a yes: %v", got2)
	}
	tests := []struct {
		name   string
		path   string
		form   url.Values
		header []string
		code   int
	}{
		{"bad vote", "/help/a/stampante-non-stampa/feedback", url.Values{"helpful": {"maybe"}}, nil, 400},
		{"internal entry", "/help/a/procedura-interna/feedback", url.Values{"helpful": {"yes"}}, nil, 404},
		{"cross-site post", "/help/a/stampante-non-stampa/feedback", url.Values{"helpful": {"yes"}}, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"forged search id still records", "/help/a/stampante-non-stampa/feedback", url.Values{"helpful": {"yes"}, "s": {"999999"}}, nil, 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := p.postForm(c, tt.path, tt.form, tt.header...)
			if code != tt.code {
				t.Fatalf("= %d, want %d\n%.400s", code, tt.code, body)
			}
		})
	}
	var n int
	if err := p.pool.Get(&n, `SELECT count(*) FROM kb_answers WHERE helpful`); err != nil {
		t.Fatal(err)
	}
	if n != 3 { // the two yes votes above and the forged search's
		t.Errorf("%d helpful votes, want 3", n)
	}
}
