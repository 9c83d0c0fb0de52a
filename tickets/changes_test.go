// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"helpdesk/tickets"
)

func TestEveryTransition(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	legal := map[[2]tickets.State]bool{}
	for _, p := range [][2]tickets.State{
		{"new", "open"}, {"new", "waiting_requester"}, {"new", "waiting_third_party"}, {"new", "resolved"}, {"new", "cancelled"},
		{"open", "waiting_requester"}, {"open", "waiting_third_party"}, {"open", "resolved"}, {"open", "cancelled"},
		{"waiting_requester", "open"}, {"waiting_requester", "waiting_third_party"}, {"waiting_requester", "resolved"}, {"waiting_requester", "cancelled"},
		{"waiting_third_party", "open"}, {"waiting_third_party", "waiting_requester"}, {"waiting_third_party", "resolved"}, {"waiting_third_party", "cancelled"},
		{"resolved", "open"}, {"resolved", "closed"},
	} {
		legal[p] = true
	}
	for _, from := range tickets.States {
		for _, to := range tickets.States {
			name := fmt.Sprintf("%s→%s", from, to)
			t.Run(name, func(t *testing.T) {
				want := legal[[2]tickets.State{from, to}]
				if got := tickets.CanTransition(from, to); got != want {
					t.Fatalf("CanTransition = %v, want %v", got, want)
				}
				tk := f.create(t)
				f.moveTo(t, tk.ID, from)
				var err error
				var got *tickets.Ticket
				if to == tickets.StateResolved {
					got, err = f.store.Resolve(ctx, f.db, tk.ID, "agent:1", "fixed", "note")
				} else {
					got, err = f.store.Transition(ctx, f.db, tk.ID, "agent:1", to)
				}
				if want {
					if err != nil {
						t.Fatalf("legal transition refused: %v", err)
					}
					if got.State != to {
						t.Fatalf("state = %s, want %s", got.State, to)
					}
					return
				}
				if !errors.Is(err, tickets.ErrIllegalTransition) {
					t.Fatalf("illegal transition: err = %v, want ErrIllegalTransition", err)
				}
				var te *tickets.TransitionError
				if !errors.As(err, &te) || te.From != from || te.To != to {
					t.Fatalf("error %v does not name %s→%s", err, from, to)
				}
				after, err := f.store.Get(ctx, f.db, tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				if after.State != from {
					t.Fatalf("refused transition changed state to %s", after.State)
				}
			})
		}
	}
}

func TestReopenClearsResolution(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk := f.create(t)
	if _, err := f.store.Resolve(ctx, f.db, tk.ID, "agent:1", "workaround", "riavviato il servizio"); err != nil {
		t.Fatal(err)
	}
	got, err := f.store.Transition(ctx, f.db, tk.ID, "requester:9", tickets.StateOpen)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResolvedAt != nil || got.ClosureCode != "" {
		t.Fatalf("reopened ticket keeps resolution: %+v", got)
	}
	if _, err := f.store.Resolve(ctx, f.db, tk.ID, "agent:1", "", ""); !errors.Is(err, tickets.ErrInvalid) {
		t.Fatalf("resolve without code: %v, want ErrInvalid", err)
	}
}

func TestEventLogAndPriority(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk := f.create(t)
	if tk.Priority != tickets.P3 {
		t.Fatalf("medium×medium priority = %s, want P3", tk.Priority)
	}
	got, err := f.store.Classify(ctx, f.db, tk.ID, "agent:2", tickets.High, tickets.High)
	if err != nil {
		t.Fatal(err)
	}
	if got.Priority != tickets.P1 {
		t.Fatalf("priority = %s, want P1", got.Priority)
	}
	agent := int64(0)
	if err := f.db.GetContext(ctx, &agent, `INSERT INTO users (username, display_name, role) VALUES ('marco', 'Marco', 'agent_l1') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Assign(ctx, f.db, tk.ID, "agent:2", &agent, "sanita"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddComment(ctx, f.db, tk.ID, "agent:2", false, "nota interna"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddComment(ctx, f.db, tk.ID, "agent:2", true, "Stiamo verificando"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Escalate(ctx, f.db, tk.ID, "agent:2", "serve l'amministratore di rete"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.RouteExternal(ctx, f.db, tk.ID, "agent:3", "Regione - CA smart card", "ca@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Resolve(ctx, f.db, tk.ID, "agent:3", "third_party_fixed", "certificato riemesso"); err != nil {
		t.Fatal(err)
	}
	evs, err := f.store.Events(ctx, f.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		k := e.Kind
		if e.Field != "" {
			k += ":" + e.Field + "=" + e.OldValue + "→" + e.NewValue
		}
		kinds = append(kinds, k)
	}
	want := []string{
		"created",
		"field:urgency=medium→high", "field:impact=medium→high", "field:priority=P3→P1",
		"state:state=new→open", "field:group=→sanita", fmt.Sprintf("assigned:agent=→%d", agent),
		"note",
		"comment",
		"escalated:level=1→2", fmt.Sprintf("assigned:agent=%d→", agent),
		"note",
		"state:state=open→waiting_third_party", "routed:external_org=→Regione - CA smart card", "field:external_email=→ca@example.org",
		"state:state=waiting_third_party→resolved", "field:closure_code=→third_party_fixed", "field:closure_note=→certificato riemesso",
	}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("events:\n got %q\nwant %q", kinds, want)
	}
	final, err := f.store.Get(ctx, f.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.FirstResponseAt == nil {
		t.Fatal("public reply did not set first_response_at")
	}
	public, err := f.store.Comments(ctx, f.db, tk.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.store.Comments(ctx, f.db, tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(public) != 1 || len(all) != 3 {
		t.Fatalf("comments public=%d all=%d, want 1 and 3", len(public), len(all))
	}
	if _, err := f.db.ExecContext(ctx, `UPDATE ticket_events SET actor = 'x' WHERE ticket_id = $1`, tk.ID); err == nil {
		t.Fatal("ticket_events accepted an UPDATE: the log must be append-only")
	}
}
