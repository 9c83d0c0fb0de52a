// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFeedbackAndStats(t *testing.T) {
	ctx := context.Background()
	s, sr := importedSearcher(t)
	hits, err := sr.Search(ctx, Query{Text: "il lettore non legge la tessera", Lang: "it", Channel: "telegram"})
	if err != nil || len(hits) == 0 || hits[0].SearchID == 0 {
		t.Fatalf("logged search: %v %+v", err, hits)
	}
	for i, helpful := range []bool{true, false, false} {
		id, err := s.RecordAnswer(ctx, hits[0].SearchID, hits[0], "telegram")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RateAnswer(ctx, id, helpful); err != nil {
			t.Fatalf("rate %d: %v", i, err)
		}
	}
	if _, err := s.RecordAnswer(ctx, 0, Hit{EntryID: "reset-password", Revision: 1}, "web"); err != nil {
		t.Fatal(err)
	}
	if err := s.RateAnswer(ctx, 999999, true); err == nil {
		t.Fatal("rating a missing answer succeeded")
	}
	for range 3 {
		if _, err := sr.Search(ctx, Query{Text: "Orari della mensa ", Lang: "it"}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Stats(ctx, StatsOptions{MinVotes: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Searches != 4 || st.Confident != 1 {
		t.Errorf("totals = %d searches, %d confident", st.Searches, st.Confident)
	}
	if len(st.MostUsed) != 2 || st.MostUsed[0].Entry != "lettore-smartcard" || st.MostUsed[0].Shown != 3 || st.MostUsed[0].NotHelpful != 2 {
		t.Errorf("most used = %+v", st.MostUsed)
	}
	if len(st.WorstRated) != 1 || st.WorstRated[0].Entry != "lettore-smartcard" {
		t.Errorf("worst rated = %+v", st.WorstRated)
	}
	if len(st.Gaps) != 1 || st.Gaps[0].Query != "orari della mensa" || st.Gaps[0].Times != 3 {
		t.Errorf("gaps = %+v", st.Gaps)
	}
}

func TestLogText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "vpn", "vpn"},
		{"nul", "vpn\x00", "vpn"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
		{"long, cut on a character", strings.Repeat("è", 600), strings.Repeat("è", 500)},
		{"personal data masked", "vpn, sono mario.rossi@example.org, 347 123 4567", "vpn, sono <EMAIL>, <PHONE>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := logText(tc.in); got != tc.want {
				t.Errorf("logText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzLogText: whatever anonymous input a search carries, the logged text
// is storable (valid UTF-8, no NUL) and bounded. Seeds: the inputs of
// issue 18.
func FuzzLogText(f *testing.F) {
	for _, s := range []string{"vpn\x00", "vpn%00", "a\xffb", `=HYPERLINK("http://x","y")`, "@SUM(1+1)", strings.Repeat("è", 700)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := logText(s)
		if !utf8.ValidString(got) || strings.Contains(got, "\x00") || len(got) > maxLoggedQuery {
			t.Fatalf("logText(%q) = %q", s, got)
		}
	})
}
