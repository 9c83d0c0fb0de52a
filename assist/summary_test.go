// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"errors"
	"strings"
	"testing"

	"helpdesk/bots"
)

func summaryFixture() bots.Summary {
	return bots.Summary{Query: "il lettore non legge la tessera, sono anna@example.org", Tried: []string{"lettore-smartcard"},
		Urgency: "medium", Impact: "low", Type: "incident", Why: []string{"non riesco"}, Reason: "not_solved"}
}

func TestSummarise(t *testing.T) {
	f := newFake(t)
	f.set(answers["summary"], 0, 0)
	s := NewSummariser(f.client(t, nil))
	turns := TurnsFromMessages([]bots.Message{
		{Direction: "in", Author: "u1", Body: "il lettore non legge la tessera, chiamatemi al 333 1234567"},
		{Direction: "out", Author: "bot", Body: "Provi a scollegare il lettore."},
		{Direction: "in", Author: "u1", Body: "non funziona"},
		{Direction: "out", Author: "agent:7", Body: "La prendo in carico io."},
	})
	if len(turns) != 4 || turns[1].From != "bot" || turns[3].From != "agent" {
		t.Fatalf("turns %+v", turns)
	}
	got, err := s.Summarise(context.Background(), "it", summaryFixture(), turns)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "Problema:") {
		t.Errorf("summary %q", got)
	}
	user := f.lastChat().User
	for _, pd := range []string{"anna@example.org", "333 1234567"} {
		if strings.Contains(user, pd) {
			t.Errorf("%q sent to the model", pd)
		}
	}
	if !strings.Contains(user, "lettore-smartcard") || !strings.Contains(user, "agent: La prendo") {
		t.Errorf("handoff data missing from the prompt:\n%s", user)
	}
}

func TestSummaryTicketNumbers(t *testing.T) {
	f := newFake(t)
	s := NewSummariser(f.client(t, nil))
	turns := []Turn{{From: "user", Text: "ho già aperto HD-2026-000011 ma nessuno risponde"}}
	tests := []struct {
		name, answer string
		wantErr      error
	}{
		{"number from the conversation", "L'utente sollecita HD-2026-000011.", nil},
		{"number from nowhere", "Vedi anche HD-2026-000099 di un altro utente.", ErrLeak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.set(tt.answer, 0, 0)
			_, err := s.Summarise(context.Background(), "it", summaryFixture(), turns)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err %v, want %v", err, tt.wantErr)
			}
		})
	}
}
