// SPDX-License-Identifier: EUPL-1.2

package markup

import "testing"

// Links keep only schemes a chat can open safely, and site paths only
// when they cannot be read as another host or carry spaces.
func TestLinkTargets(t *testing.T) {
	for _, tc := range []struct {
		url        string
		safe, site bool
	}{
		{"https://help.example.org/kb/vpn", true, false},
		{"HTTP://example.org", true, false},
		{" mailto:desk@example.org", true, false},
		{"tel:+390612345678", true, false},
		{"tg://resolve?domain=desk", true, false},
		{"javascript:alert(1)", false, false},
		{"data:text/html,x", false, false},
		{"ftp://example.org", false, false},
		{"/kb/vpn-non-si-connette", false, true},
		{"//evil.example/x", false, false},
		{"/a\\b", false, false},
		{"/a b", false, false},
		{"kb/relative", false, false},
	} {
		if got := safeURL(tc.url); got != tc.safe {
			t.Errorf("safeURL(%q) = %v, want %v", tc.url, got, tc.safe)
		}
		if got := sitePath(tc.url); got != tc.site {
			t.Errorf("sitePath(%q) = %v, want %v", tc.url, got, tc.site)
		}
	}
}
