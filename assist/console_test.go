// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"errors"
	"strings"
	"testing"

	"helpdesk/bots"
	"helpdesk/internal/llm"
	"helpdesk/kb"
)

// The console's three features reach the endpoint through one value, and
// a nil client disables all three.
func TestConsole(t *testing.T) {
	f := newFake(t)
	c := NewConsole(f.client(t, nil))
	ctx := context.Background()
	turns := []Turn{{From: "user", Text: "il lettore non legge la tessera"}}

	f.set(answers["summary"], 0, 0)
	if got, err := c.Summarise(ctx, "it", summaryFixture(), turns); err != nil || !strings.HasPrefix(got, "Problema:") {
		t.Errorf("Summarise = %q, %v", got, err)
	}
	f.set(answers["grounded"], 0, 0)
	sources := []Source{{ID: "lettore-smartcard", Revision: 1, Title: "Lettore", Text: "Scollegare e ricollegare."}}
	if got, err := c.Suggest(ctx, "it", turns, sources); err != nil || len(got.Cited) != 1 {
		t.Errorf("Suggest = %+v, %v", got, err)
	}
	f.set(`{"title":"Il lettore non legge la tessera","questions":["lettore tessera"],"body":"Scollegare il lettore."}`, 0, 0)
	e, err := c.DraftFAQ(ctx, ResolvedTicket{Number: "HD-2026-000001", Lang: "it", Subject: "Lettore", Description: "non legge", Resolution: "ricollegato"})
	if err != nil || e.Status != kb.StatusDraft || e.ID != "draft-il-lettore-non-legge-la-tessera" {
		t.Errorf("DraftFAQ = %+v, %v", e, err)
	}

	off := NewConsole(nil)
	if _, err := off.Summarise(ctx, "it", bots.Summary{}, turns); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("nil client Summarise: %v", err)
	}
	if _, err := off.Suggest(ctx, "it", turns, sources); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("nil client Suggest: %v", err)
	}
	if _, err := off.DraftFAQ(ctx, ResolvedTicket{}); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("nil client DraftFAQ: %v", err)
	}
}
