// SPDX-License-Identifier: EUPL-1.2

package telegram

import "testing"

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in, cmd, arg string
		ok           bool
	}{
		{"/start", "/start", "", true},
		{"/START@DeskBot", "/start", "", true},
		{"/status HD-2026-000123", "/status", "HD-2026-000123", true},
		{"/status\nHD-2026-000123", "/status", "HD-2026-000123", true},
		{"/ticket   la vpn non va ", "/ticket", "la vpn non va", true},
		{"ciao /start", "", "", false},
		{"/", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cmd, arg, ok := parseCommand(tt.in)
			if cmd != tt.cmd || arg != tt.arg || ok != tt.ok {
				t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tt.in, cmd, arg, ok, tt.cmd, tt.arg, tt.ok)
			}
		})
	}
}

func TestCommandInbound(t *testing.T) {
	tests := []struct{ text, wantText, wantAction string }{
		{"/start", "", actionHelp},
		{"/start deep-link-payload", "", actionHelp},
		{"/help", "", actionHelp},
		{"/ticket", "", actionTicket},
		{"/status", "", actionTrack},
		{"/status HD-2026-000123", "HD-2026-000123", ""},
		{"/weather today", "/weather today", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			cmd, arg, _ := parseCommand(tt.text)
			txt, act := commandInbound(cmd, arg, tt.text)
			if txt != tt.wantText || act != tt.wantAction {
				t.Errorf("%q → text %q action %q; want %q %q", tt.text, txt, act, tt.wantText, tt.wantAction)
			}
		})
	}
}
