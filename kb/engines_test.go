// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"testing"
)

// The engines kept for the comparison must work on the same content.
func TestComparisonEngines(t *testing.T) {
	ctx := context.Background()
	s, _ := importedSearcher(t)
	bs, err := NewBleveSearcher(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	pg := NewPostgresSearcher(s)
	engines := map[string]func(context.Context, Query) ([]Hit, error){"bleve": bs.Search, "postgres": pg.Search}
	for name, search := range engines {
		t.Run(name, func(t *testing.T) {
			for _, tt := range []struct{ lang, q, want string }{
				{"it", "il lettore non legge la tessera", "lettore-smartcard"},
				{"en", "card reader does not recognise the smart card", "smartcard-reader"},
			} {
				hits, err := search(ctx, Query{Text: tt.q, Lang: tt.lang})
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) == 0 || hits[0].EntryID != tt.want {
					t.Errorf("%q: hits %+v, want %s first", tt.q, hits, tt.want)
				}
			}
			hits, err := search(ctx, Query{Text: "passaggio ticket secondo livello", Lang: "it"})
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
