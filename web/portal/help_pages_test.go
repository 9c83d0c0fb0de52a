// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"helpdesk/kb"
)

func TestMediaOf(t *testing.T) {
	t.Parallel()
	// Captions exist for a/b.mp4 in both languages, for a/c.webm only in
	// English; a remote video's are never looked for.
	files := map[string]bool{"a/b.it.vtt": true, "a/b.en.vtt": true, "a/c.en.vtt": true, "x.it.vtt": true}
	got := mediaOf(kb.Entry{Media: []kb.Media{
		{Type: "video", URL: "media/a/b.mp4"},
		{Type: "video", URL: "media/a/c.webm"},
		{Type: "video", URL: "https://video.example.org/x.mp4"},
		{Type: "video", URL: "https://video.example.org/watch?v=1"},
		{Type: "slides", URL: "media/../../etc/passwd.svg"},
	}}, "it", func(rel string) bool { return files[rel] })
	want := []helpMedia{
		{Type: "video", Title: "b.mp4", URL: "/help/media/a/b.mp4", Playable: true, Tracks: []helpTrack{
			{Lang: "it", Label: "Italiano", URL: "/help/media/a/b.it.vtt", Default: true},
			{Lang: "en", Label: "English", URL: "/help/media/a/b.en.vtt"}}},
		{Type: "video", Title: "c.webm", URL: "/help/media/a/c.webm", Playable: true, Tracks: []helpTrack{
			{Lang: "en", Label: "English", URL: "/help/media/a/c.en.vtt"}}},
		{Type: "video", Title: "x.mp4", URL: "https://video.example.org/x.mp4", Playable: true, Host: "video.example.org"},
		{Type: "video", Title: "watch?v=1", URL: "https://video.example.org/watch?v=1", Host: "video.example.org"},
		{Type: "slides", Title: "passwd.svg", URL: "/help/media/etc/passwd.svg", Vector: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("media:\n got %+v\nwant %+v", got, want)
	}
}

// TestListed: an entry as the lists show it, linked by its id.
func TestListed(t *testing.T) {
	t.Parallel()
	got := listed(kb.Entry{ID: "vpn-setup", Title: "VPN", Lang: "en", Kind: kb.KindTutorial, Category: "Network", Body: "not listed"})
	want := helpEntry{ID: "vpn-setup", Title: "VPN", Lang: "en", Kind: kb.KindTutorial, Category: "Network", Link: "/help/a/vpn-setup"}
	if got != want {
		t.Errorf("listed = %+v, want %+v", got, want)
	}
}

// TestCategoriesOf: entries grouped by category in name order, each
// group keeping the entries' order; entries without a category are in
// none.
func TestCategoriesOf(t *testing.T) {
	t.Parallel()
	es := []kb.Entry{{ID: "a", Category: "Stampa"}, {ID: "b", Category: "Account"}, {ID: "c"}, {ID: "d", Category: "Stampa"}, {ID: "e", Category: "Rete"}}
	var got []string
	for _, c := range categoriesOf(es) {
		s := c.Name + ":"
		for _, e := range c.Entries {
			s += e.ID
			if e.Link != "/help/a/"+e.ID {
				t.Errorf("entry %s link %q", e.ID, e.Link)
			}
		}
		got = append(got, s)
	}
	if want := []string{"Account:b", "Rete:e", "Stampa:ad"}; !reflect.DeepEqual(got, want) {
		t.Errorf("categories %v, want %v", got, want)
	}
	if c := categoriesOf(nil); c == nil || len(c) != 0 {
		t.Errorf("no entries: %#v, want an empty list (the template ranges over it)", c)
	}
	if c := categoriesOf([]kb.Entry{{ID: "x"}}); len(c) != 0 {
		t.Errorf("uncategorised only: %+v, want none", c)
	}
}

// TestHashKey: one way, short, stable, and different per address.
func TestHashKey(t *testing.T) {
	t.Parallel()
	a, b := hashKey("192.0.2.1"), hashKey("192.0.2.2")
	if len(a) != 16 || a == b || a != hashKey("192.0.2.1") {
		t.Errorf("hashKey: %q %q", a, b)
	}
	// The first 8 bytes of SHA-256("192.0.2.1"), so that counts kept
	// before a restart still match.
	if a != "37fcff24bf62035b" {
		t.Errorf("hashKey(192.0.2.1) = %s", a)
	}
}

// mediaSite is a Site with no database behind it (the media handlers
// need none) over a content folder holding media/a.svg, media/v.en.vtt,
// media/sub/ and, outside media/, secret.txt.
func mediaSite(t *testing.T) *Site {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"media/a.svg": "<svg/>", "media/v.en.vtt": "WEBVTT\n", "media/sub/x.txt": "x", "secret.txt": "secret"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := New(Options{ContentDir: dir}, Deps{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// serve runs a handler on a request whose {path} is value.
func serve(h http.HandlerFunc, value string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r.SetPathValue("path", value)
	w := httptest.NewRecorder()
	h(w, r)
	return w
}

// TestServeMedia: files under media/ are served (an SVG sandboxed, a
// caption as text/vtt); anything outside media/, a folder, a backslash
// or a missing file is a 404; mediaExists agrees. (On a system whose MIME
// table knows .vtt the caption's type would be right without the
// handler's own header, so that line is not proven here.)
func TestServeMedia(t *testing.T) {
	p := mediaSite(t)
	w := serve(p.ServeMedia, "a.svg")
	if w.Code != http.StatusOK || w.Body.String() != "<svg/>" || !strings.Contains(w.Header().Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("a.svg: %d %q CSP %q", w.Code, w.Body, w.Header().Get("Content-Security-Policy"))
	}
	if w := serve(p.ServeMedia, "v.en.vtt"); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/vtt; charset=utf-8" {
		t.Errorf("v.en.vtt: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	for _, bad := range []string{"", "../secret.txt", "sub/../../secret.txt", "..", "sub", "sub\\x.txt", "missing.svg", "/etc/passwd"} {
		if w := serve(p.ServeMedia, bad); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "secret") {
			t.Errorf("ServeMedia(%q): %d %q, want 404", bad, w.Code, w.Body)
		}
	}
	for rel, want := range map[string]bool{"a.svg": true, "v.en.vtt": true, "sub": false, "../secret.txt": false, "none.vtt": false} {
		if got := p.mediaExists(rel); got != want {
			t.Errorf("mediaExists(%q) = %v", rel, got)
		}
	}
	none := &Site{}
	if none.mediaExists("a.svg") || serve(none.ServeMedia, "a.svg").Code != http.StatusNotFound {
		t.Error("without a content folder a medium was found")
	}
}

// TestKbLink: the bot's /kb/<id> links move to the help centre; its
// /kb/media/ links serve the medium; anything else is a 404.
func TestKbLink(t *testing.T) {
	p := mediaSite(t)
	if w := serve(p.KbLink, "vpn-setup"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/help/a/vpn-setup" {
		t.Errorf("entry link: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := serve(p.KbLink, "media/a.svg"); w.Code != http.StatusOK || w.Body.String() != "<svg/>" {
		t.Errorf("media link: %d %q", w.Code, w.Body)
	}
	for _, bad := range []string{"", "a/b", "media/../secret.txt", "../secret.txt"} {
		if w := serve(p.KbLink, bad); w.Code != http.StatusNotFound {
			t.Errorf("KbLink(%q): %d, want 404", bad, w.Code)
		}
	}
}
