// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"reflect"
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
