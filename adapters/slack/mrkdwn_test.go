// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"strings"
	"testing"
	"unicode/utf8"

	"helpdesk/bots/markup"
)

// TestAgentMarkdown: what an agent writes in a Slack triage thread reaches
// the user with the emphasis and links the agent saw in Slack.
func TestAgentMarkdown(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Prova *adesso* a riavviare", "Prova **adesso** a riavviare"},
		{"*Attenzione:* il servizio è _lento_ oggi", "**Attenzione:** il servizio è *lento* oggi"},
		{"versione ~vecchia~ nuova", "versione ~~vecchia~~ nuova"},
		{"*grassetto con _corsivo_ dentro*", "**grassetto con *corsivo* dentro**"},
		{"2 * 3 * 4 = 24", "2 * 3 * 4 = 24"},
		{"il file nome_del_file_lungo.pdf", "il file nome_del_file_lungo.pdf"},
		{"**già Markdown**", "**già Markdown**"},
		{"*aperto ma mai chiuso", "*aperto ma mai chiuso"},
		{"`*non toccare*` ma *sì*", "`*non toccare*` ma **sì**"},
		{"```\n*codice*\n```\n*testo*", "```\n*codice*\n```\n**testo**"},
		{"Guida: <https://hd.example/kb/vpn_setup|la guida VPN>", "Guida: [la guida VPN](https://hd.example/kb/vpn_setup)"},
		{"Vedi <https://hd.example/a_b_c>", "Vedi https://hd.example/a_b_c"},
		{"<https://x.example/|etichetta [1]>", `[etichetta \[1\]](https://x.example/)`},
		{"<@UBOT> scrivi a <mailto:a@b.example|a@b.example> &amp; poi &lt;ok&gt;", "scrivi a a@b.example & poi <ok>"},
		{"(*tra parentesi*)", "(**tra parentesi**)"},
		{"*perché*.", "**perché**."},
	} {
		if got := agentMarkdown(tt.in, "UBOT"); got != tt.want {
			t.Errorf("agentMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAgentMarkdownRoundTrip: rendered back for Slack, the agent's text is
// what the agent wrote, emphasis included.
func TestAgentMarkdownRoundTrip(t *testing.T) {
	for _, in := range []string{"Prova *adesso* a riavviare", "il servizio è _lento_ oggi", "versione ~vecchia~"} {
		if got := strings.TrimSpace(markup.Render(agentMarkdown(in, ""), markup.Slack)); got != in {
			t.Errorf("%q → %q → %q", in, agentMarkdown(in, ""), got)
		}
	}
}

// FuzzAgentMarkdown: any text an agent may send converts without panic,
// stays valid UTF-8 and keeps every letter and digit it had.
func FuzzAgentMarkdown(f *testing.F) {
	for _, s := range []string{"*a*", "_b_ ~c~", "`*x*`", "```\n*y*\n```", "<https://a.b/c_d|e>", "**", "*_~`", "a*b*c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "<>&") {
			return
		}
		out := agentMarkdown(s, "")
		if !utf8.ValidString(out) {
			t.Fatalf("%q → invalid UTF-8 %q", s, out)
		}
		if letters(out) != letters(strings.TrimSpace(s)) {
			t.Fatalf("%q → %q lost or gained letters", s, out)
		}
	})
}

func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '*' || r == '_' || r == '~' {
			return -1
		}
		return r
	}, s)
}
