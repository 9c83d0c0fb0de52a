// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"helpdesk/kb"
	"reflect"
	"strings"
	"testing"
)

func TestHelpTextCatalogue(t *testing.T) {
	t.Parallel()
	if problems := Text.Check(); len(problems) > 0 {
		t.Fatalf("catalogue problems:\n%s", strings.Join(problems, "\n"))
	}
}

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
