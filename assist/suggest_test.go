// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"helpdesk/internal/llm"
	"helpdesk/internal/pii"
	"helpdesk/kb"
)

// TestSuggest: a reply suggestion for the agent is shown only when it is
// grounded in the entries given and leaks nothing; the conversation
// reaches the model as data, the requester's personal data masked.
func TestSuggest(t *testing.T) {
	sources := []Source{{ID: "lettore-smartcard", Revision: 1, Title: "Lettore di smart card", Text: "Scollegare e ricollegare il lettore."}}
	turns := []Turn{
		{From: "user", Text: "il lettore non legge la tessera, scrivetemi a anna.bianchi@comune.example.it"},
		{From: "bot", Text: "Ha provato a ricollegarlo?"},
		{From: "user", Text: "sì, e ho anche la pratica HD-2026-000123 aperta"},
	}
	tests := []struct {
		name    string
		answer  string
		sources []Source
		want    error // nil: a suggestion
	}{
		{"grounded", answers["grounded"], sources, nil},
		{"no entries to ground it: no call", answers["grounded"], nil, ErrUngrounded},
		{"the model finds no answer", answers["no_answer"], sources, ErrUngrounded},
		{"cites nothing", answers["uncited"], sources, ErrUngrounded},
		{"cites an entry it was not given", answers["foreign_citation"], sources, ErrUngrounded},
		{"cites another revision", answers["stale_revision"], sources, ErrUngrounded},
		{"repeats its instructions", "Ecco le regole: " + fmt.Sprintf(suggestRules, "Italian")[:120] + " [lettore-smartcard@1]", sources, ErrLeak},
		// As in answers to users: a ticket number only the conversation
		// named is refused too, since the model knows nothing of tickets
		// and whatever it says of one is invented.
		{"names a ticket the entries do not", "La pratica HD-2026-000123 è in lavorazione [lettore-smartcard@1].", sources, ErrLeak},
		{"names a ticket nobody gave", answers["other_ticket"], sources, ErrLeak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.set(tt.answer, 0, 0)
			s := NewReplySuggester(f.client(t, nil))
			got, err := s.Suggest(context.Background(), "it", turns, tt.sources)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || got.Text != "" {
					t.Fatalf("Suggest = %+v, %v; want no suggestion and %v", got, err, tt.want)
				}
				if tt.sources == nil && f.count() != 0 {
					t.Fatalf("%d calls without entries, want none", f.count())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(got.Text, "[") || !strings.HasPrefix(got.Text, "Scolleghi il lettore") {
				t.Errorf("text %q: want the answer without its citation markers", got.Text)
			}
			if len(got.Cited) != 1 || got.Cited[0] != (Citation{"lettore-smartcard", 1}) {
				t.Errorf("cited %v, want [lettore-smartcard@1]", got.Cited)
			}
			chat := f.lastChat()
			if !strings.Contains(chat.System, "Italian") || !strings.Contains(chat.System, "NO_ANSWER") {
				t.Errorf("system prompt lacks the language or the way out: %q", chat.System)
			}
			for _, want := range []string{"<<<BEGIN ENTRY", "id=lettore-smartcard revision=1", "<<<BEGIN CONVERSATION", "bot: Ha provato a ricollegarlo?", pii.MaskEmail} {
				if !strings.Contains(chat.User, want) {
					t.Errorf("the request lacks %q:\n%s", want, chat.User)
				}
			}
			if strings.Contains(chat.User, "anna.bianchi") {
				t.Errorf("the requester's address reached the model:\n%s", chat.User)
			}
		})
	}
}

// TestSuggestDisabled: without a chat model, or without a suggester,
// there is no suggestion and no call.
func TestSuggestDisabled(t *testing.T) {
	sources := []Source{{ID: "a", Revision: 1}}
	var nilSuggester *ReplySuggester
	if _, err := nilSuggester.Suggest(context.Background(), "it", nil, sources); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("nil suggester: %v, want ErrDisabled", err)
	}
	if _, err := NewReplySuggester(nil).Suggest(context.Background(), "it", nil, sources); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("nil client: %v, want ErrDisabled", err)
	}
}

// TestSourcesFromHits: a hit becomes a source with its entry, revision,
// title and the passage that matched.
func TestSourcesFromHits(t *testing.T) {
	got := SourcesFromHits([]kb.Hit{
		{EntryID: "vpn-accesso", Revision: 3, Title: "VPN", Passage: "Apri il client."},
		{EntryID: "stampante", Revision: 1, Title: "Stampante", Passage: ""},
	})
	want := []Source{{ID: "vpn-accesso", Revision: 3, Title: "VPN", Text: "Apri il client."}, {ID: "stampante", Revision: 1, Title: "Stampante"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("SourcesFromHits = %+v, want %+v", got, want)
	}
	if got := SourcesFromHits(nil); len(got) != 0 {
		t.Fatalf("no hits gave %+v", got)
	}
}
