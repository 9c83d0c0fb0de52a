// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"testing"

	"helpdesk/bots"
)

// TestEveryAutomaticMailSaysSo: every mail the desk writes by itself
// carries Auto-Submitted (RFC 3834) — the acknowledgement (auto-replied),
// the "Giulia has joined" notice, the resolution and the satisfaction
// question (auto-generated) — and the reply an agent types carries none.
func TestEveryAutomaticMailSaysSo(t *testing.T) {
	x := newE2E(t, tuesdayMorning)
	ctx := context.Background()
	x.deliver(readFixture(t, "outlook.eml"))
	x.mails(1)
	var convID int64
	if err := x.pool.Get(&convID, `SELECT id FROM conversations WHERE channel = 'email'`); err != nil {
		t.Fatal(err)
	}
	var agentID int64
	if err := x.pool.Get(&agentID, `INSERT INTO users (username, display_name, role, presence) VALUES ('marco', 'Marco Rossi', 'agent_l1', 'online') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	agent := bots.Agent{ID: agentID, Name: "Marco Rossi", Level: 1}
	if err := x.eng.Take(ctx, convID, agent); err != nil {
		t.Fatal(err)
	}
	if err := x.eng.Reply(ctx, convID, agent, "Provi a riavviare il programma."); err != nil {
		t.Fatal(err)
	}
	if err := x.eng.Resolve(ctx, convID, agent, "fixed", "Permessi corretti."); err != nil {
		t.Fatal(err)
	}
	want := []string{"auto-replied", "auto-generated", "", "auto-generated", "auto-generated"}
	sent := x.mails(len(want))
	for i, m := range sent {
		h, plain, _ := parts(t, m.Data)
		if got := h.Get("Auto-Submitted"); got != want[i] {
			t.Errorf("mail %d: Auto-Submitted %q, want %q\n%s", i, got, want[i], plain)
		}
	}
}
