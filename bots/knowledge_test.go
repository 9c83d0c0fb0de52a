// SPDX-License-Identifier: EUPL-1.2

package bots_test

import (
	"context"
	"strings"
	"testing"

	"helpdesk/bots"
	"helpdesk/bots/journey"
	"helpdesk/bots/markup"
	"helpdesk/kb"
)

// searchOnly is a searcher that cannot choose passages.
type searchOnly struct{ s *kb.Searcher }

func (o searchOnly) Search(ctx context.Context, q kb.Query) ([]kb.Hit, error) {
	return o.s.Search(ctx, q)
}

// TestKnowledgeShowsTheMatchingPassage: the text the bot shows of an entry
// is its passage that best matches the question — for a searched answer
// and for an entry picked from "did you mean" — and the opening passage
// when there is no question or the searcher cannot choose.
func TestKnowledgeShowsTheMatchingPassage(t *testing.T) {
	desk := journey.NewDesk(t, "../content/kb")
	ctx := context.Background()
	k := &bots.KBKnowledge{Searcher: desk.Searcher, Store: desk.KB, BaseURL: "https://desk.example.org"}

	q := "cosa significano gli stati della ricetta nel gestionale?"
	answers, err := k.Search(ctx, q, "it", "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) == 0 || answers[0].EntryID != "manuale-ricetta-stati" {
		t.Fatalf("answers = %+v", answers)
	}
	if !strings.Contains(answers[0].Text, "| **Presa in carico** |") {
		t.Errorf("searched answer shows:\n%s\nwant the states table", answers[0].Text)
	}

	tests := []struct {
		id, query, want, not string
	}{
		{"manuale-ricetta-stati", q, "| **Presa in carico** |", ""},
		{"manuale-ricetta-stati", "come si aggiornano gli stati, c'è un pulsante?", "## Regole generali", "| Stato |"},
		{"vpn-non-si-connette", "resta su connessione in corso e va in timeout", "hotspot del telefono", "Segui i controlli"},
		{"vpn-non-si-connette", "", "Segui i controlli in ordine", "hotspot"},
	}
	for _, tt := range tests {
		a, err := k.Entry(ctx, tt.id, tt.query)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(a.Text, tt.want) || tt.not != "" && strings.Contains(a.Text, tt.not) {
			t.Errorf("%s for %q shows:\n%s\nwant %q, not %q", tt.id, tt.query, a.Text, tt.want, tt.not)
		}
		if a.URL != "https://desk.example.org/kb/"+tt.id {
			t.Errorf("link %q", a.URL)
		}
		// Rendered with the reply around it, within the smallest limit
		// (Slack's 3,000-character section).
		if n := markup.Runes(markup.Render("Ho trovato questo nelle guide: *"+a.Title+"*\n\n"+a.Text+"\n\nTi è stato utile?", markup.Slack)); n > 3000 {
			t.Errorf("%s: %d characters in Slack", tt.id, n)
		}
	}

	// A searcher that cannot choose: the opening passage.
	plain := &bots.KBKnowledge{Searcher: searchOnly{desk.Searcher}, Store: desk.KB}
	a, err := plain.Entry(ctx, "vpn-non-si-connette", "va in timeout")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Text, "Segui i controlli in ordine") {
		t.Errorf("without a chooser: %q", a.Text)
	}
}
