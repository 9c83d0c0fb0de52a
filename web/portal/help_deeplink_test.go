// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"helpdesk/kb"
	"strings"
	"testing"
)

func TestApplicationsOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tags []string
		want string
	}{
		{[]string{"vpn", "app:vpn"}, "vpn"},
		{[]string{"App:Gestionale ", "app:ricette"}, "gestionale,ricette"},
		{[]string{"app:", "application"}, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(applicationsOf(kb.Entry{Tags: tt.tags}), ","); got != tt.want {
			t.Errorf("applicationsOf(%q) = %q, want %q", tt.tags, got, tt.want)
		}
	}
}
