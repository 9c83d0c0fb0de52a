// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "la stampante non stampa", "la stampante non stampa"},
		{"nul", "ciao\x00mondo", "ciaomondo"},
		{"only nul", "\x00\x00", ""},
		{"invalid byte", "caff\xe8", "caff\uFFFD"},
		{"truncated rune", "perch\xc3", "perch\uFFFD"},
		{"both", "\x00a\xffb\x00", "a\uFFFDb"},
		{"accents kept", "città è già", "città è già"},
		{"replacement kept", "\uFFFD", "\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanText(tc.in); got != tc.want {
				t.Fatalf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzCleanText: whatever comes in, what comes out is valid UTF-8 without
// NUL, is stable under a second cleaning, and keeps clean text unchanged.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "ciao", "\x00", "a\xffb", "\xc3", "città\x00\xe8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if !utf8.ValidString(got) || strings.IndexByte(got, 0) >= 0 {
			t.Fatalf("CleanText(%q) = %q: not clean", s, got)
		}
		if again := CleanText(got); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
		if utf8.ValidString(s) && !strings.Contains(s, "\x00") && got != s {
			t.Fatalf("clean text changed: %q → %q", s, got)
		}
	})
}

// TestHandleOddBytes: a message with NUL and bytes that are not UTF-8 —
// in the text, the name, even the ids — is recorded cleaned and answered,
// never refused by the store ("invalid byte sequence").
func TestHandleOddBytes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	in := Inbound{Channel: "memory", ExternalID: "odd\x001", ConversationKey: "k\xff",
		User: User{ID: "u\x00", Name: "Anna\x00 R\xe8ssi"}, Text: "la stampante\x00 non stampa pi\xf9"}
	res, err := h.engine.Handle(context.Background(), in)
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if len(res.Replies) == 0 {
		t.Fatal("no reply to a message with odd bytes")
	}
	var body, ext string
	if err := h.db.QueryRowContext(context.Background(),
		`SELECT body, external_id FROM messages WHERE direction = 'in' AND channel = 'memory'`).Scan(&body, &ext); err != nil {
		t.Fatal(err)
	}
	if body != "la stampante non stampa pi\uFFFD" || ext != "odd1" {
		t.Fatalf("recorded %q / %q", body, ext)
	}
}
