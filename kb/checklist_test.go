// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestChecklistParse(t *testing.T) {
	tests := []struct {
		name, body string
		want       []ChecklistStep
	}{
		{"none", "Just prose.\n- a plain item", nil},
		{"ordered with marks", "Intro\n\n- [ ] (required) Check the cable\n- [x] Restart the printer\n1. [ ] (Obbligatorio) Annotare il numero di serie\n",
			[]ChecklistStep{{"Check the cable", true}, {"Restart the printer", false}, {"Annotare il numero di serie", true}}},
		{"fenced code ignored", "```\n- [ ] not a step\n```\n* [ ] a step", []ChecklistStep{{"a step", false}}},
		{"indented too deep is code", "        - [ ] code", nil},
		{"empty after mark", "- [ ] (required)   ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Entry{Body: tt.body}).Checklist(); !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzChecklist(f *testing.F) {
	f.Add("- [ ] (required) a\n- [x] b")
	f.Add("```\n- [ ] x\n```")
	f.Add("1) [ ] (obbligatorio)")
	f.Fuzz(func(t *testing.T, body string) {
		for _, s := range (Entry{Body: body}).Checklist() {
			if s.Text == "" || strings.Contains(s.Text, "\n") {
				t.Fatalf("bad step %q", s.Text)
			}
		}
	})
}

func TestSuggestProcedures(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	save := func(e Entry) {
		t.Helper()
		e.Kind, e.Lang, e.Status = KindManual, LangEN, StatusPublished
		if _, _, err := s.save(ctx, e, "test", "", true); err != nil {
			t.Fatal(err)
		}
	}
	save(Entry{ID: "printer-jam-procedure", Title: "Printer paper jam procedure", Audience: AudienceInternal,
		Body: "When a printer reports a paper jam:\n\n- [ ] (required) Switch the printer off\n- [ ] Open tray two and remove the paper\n"})
	save(Entry{ID: "printer-jam-public", Title: "Printer paper jam", Audience: AudiencePublic,
		Body: "If the printer has a paper jam:\n\n- [ ] Open tray two\n"})
	save(Entry{ID: "printer-notes", Title: "Printer paper jam notes", Audience: AudienceInternal, Body: "Paper jam notes for the printer, no steps."})
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := SuggestProcedures(ctx, sr, s, "The printer on floor 2 has a paper jam", LangEN, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Entry.ID != "printer-jam-procedure" || len(ps[0].Steps) != 2 || !ps[0].Steps[0].Required {
		t.Fatalf("suggested %+v", ps)
	}
	if ps, _ := SuggestProcedures(ctx, sr, s, "VPN certificate expired", LangEN, 3); len(ps) != 0 {
		t.Errorf("unrelated ticket got %+v", ps)
	}
}
