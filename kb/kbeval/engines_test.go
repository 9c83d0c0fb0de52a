// SPDX-License-Identifier: EUPL-1.2

package kbeval

import (
	"context"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
	"helpdesk/kb"
)

// The engines kept for the comparison must work on the same content, and
// keep internal entries from the public.
func TestComparisonEngines(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	s, err := kb.NewStore(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, "../testdata/content", kb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	bs, err := NewBleveSearcher(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	pg := NewPostgresSearcher(pool)
	engines := map[string]func(context.Context, kb.Query) ([]kb.Hit, error){"bleve": bs.Search, "postgres": pg.Search}
	for name, search := range engines {
		t.Run(name, func(t *testing.T) {
			for _, tt := range []struct{ lang, q, want string }{
				{"it", "il lettore non legge la tessera", "lettore-smartcard"},
				{"en", "card reader does not recognise the smart card", "smartcard-reader"},
			} {
				hits, err := search(ctx, kb.Query{Text: tt.q, Lang: tt.lang})
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) == 0 || hits[0].EntryID != tt.want {
					t.Fatalf("%q: hits %+v, want %s first", tt.q, hits, tt.want)
				}
				if h := hits[0]; h.Title == "" || h.Revision == 0 || h.Passage == "" || strings.Contains(h.Passage, "\n") ||
					!(h.Confidence > 0 && h.Confidence <= 1) {
					t.Errorf("%q: first hit %+v: title, revision, a one-line passage and a confidence in (0, 1] expected", tt.q, h)
				}
			}
			hits, err := search(ctx, kb.Query{Text: "passaggio ticket secondo livello", Lang: "it"})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if h.EntryID == "procedura-interna-escalation" {
					t.Error("internal entry shown to the public")
				}
			}
		})
	}
}
