// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in   string
		want Command
	}{
		{"take", Command{Verb: VerbTake}},
		{"  Prendi ", Command{Verb: VerbTake}},
		{"/take", Command{Verb: VerbTake}},
		{"take a screenshot, please", Command{Verb: VerbReply, Text: "take a screenshot, please"}},
		{"handback", Command{Verb: VerbHandBack}},
		{"restituisci", Command{Verb: VerbHandBack}},
		{"escalate", Command{Verb: VerbEscalate}},
		{"escala serve un sistemista\n  di rete", Command{Verb: VerbEscalate, Text: "serve un sistemista\n  di rete"}},
		{"route ACME Sanità help@acme.example", Command{Verb: VerbRoute, Org: "ACME Sanità", Email: "help@acme.example"}},
		{"inoltra Regione", Command{Verb: VerbRoute, Org: "Regione"}},
		{"route", Command{Verb: VerbRoute, Missing: true}},
		{"route <a@b.example>", Command{Verb: VerbRoute, Email: "a@b.example", Missing: true}},
		{"resolve fixed Riavviato", Command{Verb: VerbResolve, Code: "fixed", Text: "Riavviato"}},
		{"RISOLVI workaround usare il browser   alternativo", Command{Verb: VerbResolve, Code: "workaround", Text: "usare il browser   alternativo"}},
		{"resolve", Command{Verb: VerbResolve, Missing: true}},
		{"note chiamato il fornitore", Command{Verb: VerbNote, Text: "chiamato il fornitore"}},
		{"nota", Command{Verb: VerbNote, Missing: true}},
		{"!solo per noi", Command{Verb: VerbNote, Text: "solo per noi"}},
		{"!", Command{Verb: VerbNote, Missing: true}},
		{"Buongiorno, provi a riavviare", Command{Verb: VerbReply, Text: "Buongiorno, provi a riavviare"}},
		{"notebook nuovo in arrivo", Command{Verb: VerbReply, Text: "notebook nuovo in arrivo"}},
		{"", Command{Verb: VerbReply}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ParseCommand(tt.in, "!"); got != tt.want {
				t.Fatalf("ParseCommand(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseCommandOtherPrefix(t *testing.T) {
	if got := ParseCommand("//interno", "//"); got.Verb != VerbNote || got.Text != "interno" {
		t.Fatalf("got %+v", got)
	}
	if got := ParseCommand("!ciao", "//"); got.Verb != VerbReply {
		t.Fatalf("with prefix // a ! is a reply: %+v", got)
	}
}

func TestParseAction(t *testing.T) {
	tests := []struct {
		in   string
		verb Verb
		id   int64
		ok   bool
	}{
		{cardAction(VerbTake, 42), VerbTake, 42, true},
		{cardAction(VerbEscalate, 7), VerbEscalate, 7, true},
		{"triage:resolve:7", "", 0, false},
		{"triage:take:-1", "", 0, false},
		{"triage:take:", "", 0, false},
		{"triage:take:1:2", "", 0, false},
		{"fb:yes", "", 0, false},
	}
	for _, tt := range tests {
		v, id, ok := parseAction(tt.in)
		if v != tt.verb || id != tt.id || ok != tt.ok {
			t.Errorf("parseAction(%q) = %q %d %v", tt.in, v, id, ok)
		}
	}
}

// FuzzParseCommand: any text an agent can type parses without panic into
// a command whose parts come from the text, and what is not a command is
// a reply carrying the whole (trimmed) text.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"take", "prendi", "escalate motivo", "route ACME a@b.example", "resolve fixed Riavviato",
		"risolvi", "handback", "note x", "!nota", "! ", "/take", "take now", "inoltra  <x@y>", "\u00a0take", "résolve x",
		strings.Repeat("a ", 100)} {
		f.Add(s, "!")
	}
	f.Add("//x", "//")
	f.Add("note", "")
	f.Fuzz(func(t *testing.T, text, prefix string) {
		c := ParseCommand(text, prefix)
		trimmed := strings.TrimSpace(text)
		switch c.Verb {
		case VerbReply:
			if c.Text != trimmed {
				t.Fatalf("reply text %q, want %q", c.Text, trimmed)
			}
		case VerbNote:
			if c.Missing != (c.Text == "") {
				t.Fatalf("note %+v: Missing must say whether the text is empty", c)
			}
		case VerbTake, VerbHandBack:
			if c.Text != "" || c.Missing {
				t.Fatalf("%s with arguments: %+v", c.Verb, c)
			}
		case VerbResolve:
			if c.Missing != (c.Code == "") || strings.ContainsFunc(c.Code, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }) {
				t.Fatalf("resolve %+v", c)
			}
		case VerbRoute:
			if c.Missing != (c.Org == "") {
				t.Fatalf("route %+v", c)
			}
		case VerbEscalate:
		default:
			t.Fatalf("unknown verb %q", c.Verb)
		}
		for _, part := range []string{c.Text, c.Code, c.Org} {
			if part != "" && !strings.Contains(text, part) {
				t.Fatalf("%+v: %q is not from the text %q", c, part, text)
			}
		}
		if utf8.ValidString(text) && !utf8.ValidString(c.Text+c.Code+c.Org+c.Email) {
			t.Fatalf("valid text gave invalid parts: %+v", c)
		}
	})
}
