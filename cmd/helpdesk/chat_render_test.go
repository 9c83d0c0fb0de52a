// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"strings"
	"testing"

	"helpdesk/bots"
)

// TestRenderTerminalIsPlain: the terminal prints text, not Markdown — no
// stars, no backslashes, tables as Label: value, steps numbered.
func TestRenderTerminalIsPlain(t *testing.T) {
	got := renderTerminal(bots.Reply{Text: "Ticket *HD-2026-000001* e **priorità**.\n\nVisita\\: [il portale](https://x.test)\n\n| Stato | Azione |\n|---|---|\n| Aperta | Attendere |\n\n1. Apri\n2. Premi"})
	for _, want := range []string{"Ticket HD-2026-000001 e priorità.", "Visita: il portale (https://x.test)", "Stato: Aperta\nAzione: Attendere", "1. Apri\n2. Premi"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.ContainsAny(got, `*\|`) {
		t.Errorf("markup printed:\n%s", got)
	}
}
