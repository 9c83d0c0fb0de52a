// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
)

// TestKBLearned: an editor accepts a phrasing users confirmed (it is in
// use at once) and removes it; a decision other than accept or remove is
// a 400, an unknown entry or phrasing a 404.
func TestKBLearned(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	ctx := context.Background()
	e := kb.Entry{ID: "stampante", Kind: kb.KindFAQ, Lang: "it", Title: "La stampante non stampa", Body: "Riavviala.",
		Questions: []string{"la stampante non stampa"}, Audience: kb.AudiencePublic, Status: kb.StatusDraft}
	if _, _, err := d.c.kb.Save(ctx, e, "ed", ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := d.c.kb.Transition(ctx, e.ID, s, "ed"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.c.kb.Confirm(ctx, kb.Confirmation{Query: "stampante impallata", Entry: "stampante"}, kb.ConfirmSolved, "telegram:1"); err != nil {
		t.Fatal(err)
	}
	edo := d.session("edo", agents.RoleEditor)
	decide := func(entry, phrasing, decision string) (int, string) {
		t.Helper()
		w := d.serve(edo, "POST /console/kb/{id}/learned", d.c.KBLearned, "POST", "/console/kb/"+entry+"/learned",
			url.Values{"phrasing": {phrasing}, "decision": {decision}})
		return w.Code, w.Header().Get("Location")
	}
	inUse := func() []string {
		t.Helper()
		var learned []string
		if err := d.pool.Select(&learned, `SELECT unnest(learned) FROM kb_entries WHERE slug = 'stampante'`); err != nil {
			t.Fatal(err)
		}
		return learned
	}
	if code, _ := decide("stampante", "stampante impallata", "maybe"); code != http.StatusBadRequest {
		t.Errorf("bad decision = %d, want 400", code)
	}
	if code, _ := decide("nessuna", "stampante impallata", "accept"); code != http.StatusNotFound {
		t.Errorf("unknown entry = %d, want 404", code)
	}
	if code, _ := decide("stampante", "mai vista", "accept"); code != http.StatusNotFound {
		t.Errorf("unknown phrasing = %d, want 404", code)
	}
	if len(inUse()) != 0 {
		t.Fatalf("in use before any decision: %v", inUse())
	}
	if code, loc := decide("stampante", "stampante impallata", "accept"); code != http.StatusSeeOther || loc != "/console/kb/stampante?flash=flash.learned_accepted#learned" {
		t.Fatalf("accept = %d %s", code, loc)
	}
	if got := inUse(); !slices.Equal(got, []string{"stampante impallata"}) {
		t.Errorf("in use after accepting: %v", got)
	}
	if code, loc := decide("stampante", "stampante impallata", "remove"); code != http.StatusSeeOther || loc != "/console/kb/stampante?flash=flash.learned_removed#learned" {
		t.Fatalf("remove = %d %s", code, loc)
	}
	if got := inUse(); len(got) != 0 {
		t.Errorf("in use after removing: %v", got)
	}
}
