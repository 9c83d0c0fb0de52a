// SPDX-License-Identifier: EUPL-1.2

package console

import "testing"

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
