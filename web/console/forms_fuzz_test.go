// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"helpdesk/kb"
)

// FuzzSafeNext: whatever a login link carries in next=, the redirect
// after login stays inside the console on this host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/console/tickets?state=open", "https://evil.example/", "//evil.example", "/\\evil", "/console//evil", "", "/console/../x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/console/") || strings.HasPrefix(got, "//") || strings.Contains(got, "\\") {
			t.Fatalf("safeNext(%q) = %q", next, got)
		}
		if u, err := url.Parse(got); err == nil && (u.Host != "" || u.Scheme != "") {
			t.Fatalf("safeNext(%q) = %q leaves the host", next, got)
		}
	})
}

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
