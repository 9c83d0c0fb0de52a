// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"helpdesk/kb"
)

// FuzzEntryForm: the editor's form parser never panics, keeps only
// complete media lines, and never takes the status from the form.
func FuzzEntryForm(f *testing.F) {
	f.Add("video | https://x.example/v.mp4 | Video | 2:10", "domanda uno\ndomanda due", "a, b, ,c", "draft")
	f.Add("|||", "", ",,,", "published")
	f.Add("slides|u\n\nimage | /img.png", "\r\n", "x", "")
	f.Fuzz(func(t *testing.T, media, questions, tags, status string) {
		form := url.Values{"media": {media}, "questions": {questions}, "tags": {tags}, "status": {status}, "title": {"t"}, "body": {"b"}}
		r := httptest.NewRequest("POST", "/console/kb/x", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		e, err := entryFromForm(r, kb.Entry{ID: "x", Status: kb.StatusDraft})
		if e.Status != kb.StatusDraft {
			t.Fatalf("status %q taken from the form", e.Status)
		}
		if err != nil {
			return
		}
		for _, m := range e.Media {
			if m.Type == "" || m.URL == "" {
				t.Fatalf("incomplete media kept: %+v", m)
			}
		}
		for _, q := range e.Questions {
			if strings.TrimSpace(q) == "" {
				t.Fatal("empty phrasing kept")
			}
		}
		for _, tag := range e.Tags {
			if tag == "" || strings.Contains(tag, ",") {
				t.Fatalf("bad tag %q", tag)
			}
		}
	})
}

// TestEntryFormRoundTrip: an entry shown in the editor's form and posted
// back unchanged is the same entry; the form offers only the status moves
// the workflow allows; the preview renders Markdown without raw HTML.
func TestEntryFormRoundTrip(t *testing.T) {
	t.Parallel()
	e := kb.Entry{ID: "vpn", Kind: kb.KindFAQ, Lang: "it", Title: "La VPN", Body: "Riavvia il **client**.", Category: "rete",
		Product: "vpn", Audience: kb.AudiencePublic, Status: kb.StatusInReview, Questions: []string{"vpn ko", "niente vpn"},
		Tags: []string{"vpn", "rete"}, Media: []kb.Media{{Type: "video", URL: "https://x.example/v.mp4", Title: "Video", Duration: "2:10"}}}
	f := formOf(e)
	if f.Questions != "vpn ko\nniente vpn" || f.Tags != "vpn, rete" || f.Media != "video | https://x.example/v.mp4 | Video | 2:10" {
		t.Errorf("form %+v", f)
	}
	for _, s := range f.Moves {
		if kb.CheckTransition(e.Status, s) != nil {
			t.Errorf("the form offers %s → %s", e.Status, s)
		}
	}
	if len(f.Moves) == 0 {
		t.Error("no status move offered from in review")
	}
	form := url.Values{"title": {" " + e.Title + " "}, "body": {strings.ReplaceAll(e.Body, "\n", "\r\n")}, "category": {e.Category},
		"product": {e.Product}, "audience": {string(e.Audience)}, "kind": {string(e.Kind)}, "entry_lang": {e.Lang},
		"questions": {f.Questions + "\n\n"}, "tags": {f.Tags + ", "}, "media": {f.Media}, "status": {"published"}}
	r := httptest.NewRequest("POST", "/console/kb/vpn", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got, err := entryFromForm(r, e)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != e.Title || got.Status != e.Status || strings.Join(got.Questions, "|") != strings.Join(e.Questions, "|") ||
		strings.Join(got.Tags, "|") != strings.Join(e.Tags, "|") || len(got.Media) != 1 || got.Media[0] != e.Media[0] {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, e)
	}
	bad := url.Values{"title": {"t"}, "media": {"video |  | senza URL"}}
	r = httptest.NewRequest("POST", "/console/kb/vpn", strings.NewReader(bad.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := entryFromForm(r, e); err == nil || !strings.Contains(err.Error(), "media line 1") {
		t.Errorf("a media line without a URL: %v", err)
	}
	c := &Console{renderer: kb.NewRenderer()}
	if html := string(c.preview("**b** <script>x</script>")); !strings.Contains(html, "<strong>b</strong>") || strings.Contains(html, "<script>") {
		t.Errorf("preview %q", html)
	}
}
