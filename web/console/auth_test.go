// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"net/url"
	"strings"
	"testing"
)

// TestSafeNext: an open redirect is not possible through the login
// form's next.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
		if got := safeNext(next); got != "/console/" {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
	for _, next := range []string{"/console/", "/console/tickets?state=open"} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}

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
