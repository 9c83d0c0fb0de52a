// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"strings"
	"testing"
)

func TestTelegramLeaderNameHasNoSecret(t *testing.T) {
	tests := []struct{ token, want string }{
		{"123456:AAsecret-part_x", "telegram:123456"},
		{"42:zz", "telegram:42"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			got := telegramLeaderName(tc.token)
			if got != tc.want || strings.Contains(got, tc.token[strings.Index(tc.token, ":")+1:]) {
				t.Fatalf("telegramLeaderName(%q) = %q, want %q", tc.token, got, tc.want)
			}
		})
	}
}
