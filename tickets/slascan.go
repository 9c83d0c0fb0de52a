// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/riverqueue/river"

	"helpdesk/internal/db"
)

type slaQueries struct {
	Policies           string `query:"policies"`
	ToScan             string `query:"to-scan"`
	UpsertTicketSLA    string `query:"upsert-ticket-sla"`
	InsertSLAEvent     string `query:"insert-sla-event"`
	InsertNotification string `query:"insert-notification"`
	SLAEvents          string `query:"sla-events"`
	EnsurePolicy       string `query:"ensure-policy"`
	LockCalendarHashes string `query:"lock-calendar-hashes"`
	CalendarHashes     string `query:"calendar-hashes"`
	UpsertCalendarHash string `query:"upsert-calendar-hash"`
	OpenTickets        string `query:"open-tickets"`
	NotifMarkRead      string `query:"notif-mark-read"`
	NotifMarkAll       string `query:"notif-mark-all"`
}

type policyRow struct {
	ID            int64          `db:"id"`
	Priority      Priority       `db:"priority"`
	Category      string         `db:"category"`
	Product       string         `db:"product"`
	TakeCharge    int64          `db:"take_charge_minutes"`
	FirstResponse int64          `db:"first_response_minutes"`
	Intervention  int64          `db:"intervention_minutes"`
	Resolve       int64          `db:"resolve_minutes"`
	WarnShare     float64        `db:"warn_share"`
	OnBreach      pq.StringArray `db:"on_breach"`
}

// Policies returns the service-level policies admins have set.
func (s *Store) Policies(ctx context.Context, q Querier) ([]Policy, error) {
	var rows []policyRow
	if err := q.SelectContext(ctx, &rows, s.sla.Policies); err != nil {
		return nil, fmt.Errorf("sla policies: %w", err)
	}
	out := make([]Policy, 0, len(rows))
	for _, r := range rows {
		out = append(out, Policy{ID: r.ID, Priority: r.Priority, Category: r.Category, Product: r.Product,
			WarnShare: r.WarnShare, OnBreach: r.OnBreach, Targets: map[Target]int64{
				TargetTakeCharge: r.TakeCharge, TargetFirstResponse: r.FirstResponse,
				TargetIntervention: r.Intervention, TargetResolve: r.Resolve}})
	}
	return out, nil
}

// SetPolicyTarget sets one target (in working minutes; 0: not measured)
// of the general policy of a priority. The change applies from the next
// scan; it is for admins (`helpdesk sla set`).
func (s *Store) SetPolicyTarget(ctx context.Context, q Querier, p Priority, target Target, minutes int) error {
	column := map[Target]string{TargetTakeCharge: "take_charge_minutes", TargetFirstResponse: "first_response_minutes",
		TargetIntervention: "intervention_minutes", TargetResolve: "resolve_minutes"}[target]
	if column == "" || minutes < 0 || (p != P1 && p != P2 && p != P3 && p != P4) {
		return fmt.Errorf("%w: priority P1–P4, target take_charge|first_response|intervention|resolve, minutes ≥ 0", ErrInvalid)
	}
	if _, err := q.ExecContext(ctx, s.sla.EnsurePolicy, p); err != nil {
		return err
	}
	// column comes from the fixed map above, never from the caller.
	_, err := q.ExecContext(ctx, `UPDATE sla_policies SET `+column+` = $2 WHERE priority = $1 AND category = '' AND product = ''`, p, minutes)
	return err
}

// ticketSLA is the stored summary of a ticket's clocks.
type ticketSLA struct {
	TicketID             int64      `db:"ticket_id"`
	TakeChargeGoal       int64      `db:"take_charge_goal"`
	TakeChargeElapsed    *int64     `db:"take_charge_elapsed"`
	TakeChargeMet        bool       `db:"take_charge_met"`
	FirstResponseGoal    int64      `db:"first_response_goal"`
	FirstResponseElapsed *int64     `db:"first_response_elapsed"`
	FirstResponseMet     bool       `db:"first_response_met"`
	InterventionGoal     int64      `db:"intervention_goal"`
	InterventionElapsed  *int64     `db:"intervention_elapsed"`
	InterventionMet      bool       `db:"intervention_met"`
	ResolveGoal          int64      `db:"resolve_goal"`
	ResolveElapsed       *int64     `db:"resolve_elapsed"`
	ResolveMet           bool       `db:"resolve_met"`
	Paused               int64      `db:"paused"`
	Escalated            bool       `db:"escalated"`
	Reopened             bool       `db:"reopened"`
	ComputedAt           time.Time  `db:"computed_at"`
	TicketCreatedAt      time.Time  `db:"ticket_created_at"`
	TicketResolvedAt     *time.Time `db:"ticket_resolved_at"`
}

func summarise(ticketID int64, clocks []Clock, events []Event, now time.Time) ticketSLA {
	s := ticketSLA{TicketID: ticketID, ComputedAt: now}
	for _, c := range clocks {
		goal, el := int64(c.Goal/time.Second), int64(c.Elapsed/time.Second)
		met := c.Met != nil
		switch c.Target {
		case TargetTakeCharge:
			s.TakeChargeGoal, s.TakeChargeElapsed, s.TakeChargeMet = goal, &el, met
		case TargetFirstResponse:
			s.FirstResponseGoal, s.FirstResponseElapsed, s.FirstResponseMet = goal, &el, met
		case TargetIntervention:
			s.InterventionGoal, s.InterventionElapsed, s.InterventionMet = goal, &el, met
		case TargetResolve:
			s.ResolveGoal, s.ResolveElapsed, s.ResolveMet = goal, &el, met
		}
		if p := int64(c.Paused / time.Second); p > s.Paused {
			s.Paused = p
		}
	}
	for _, e := range events {
		if e.Kind == EventEscalated {
			s.Escalated = true
		}
		if e.Kind == EventState && State(e.OldValue) == StateResolved && State(e.NewValue) == StateOpen {
			s.Reopened = true
		}
	}
	return s
}

// ScanResult counts what a scan did.
type ScanResult struct {
	Scanned, Warnings, Breaches, Deferred int
}

// ScanSLA recomputes the clocks of the tickets that may have moved, stores
// their summaries, and acts on warnings and breaches: each is recorded
// once per ticket and target (the unique key makes a second instance's
// scan a no-op), the assignee and the queue are notified at a warning, and
// the policy's actions run at a breach (escalate to level 2, raise the
// priority, notify supervisors). Outside the working hours of the clock's
// own calendar only P1 tickets notify; the others wait for it to open.
func (s *Store) ScanSLA(ctx context.Context, pool *sqlx.DB, cal *BusinessCalendar, now time.Time) (ScanResult, error) {
	return s.ScanSLAOn(ctx, pool, SingleCalendar(cal), now)
}

// ScanSLAOn is ScanSLA with each clock on the calendar cals picks for it.
func (s *Store) ScanSLAOn(ctx context.Context, pool *sqlx.DB, cals *Calendars, now time.Time) (ScanResult, error) {
	var res ScanResult
	policies, err := s.Policies(ctx, pool)
	if err != nil {
		return res, err
	}
	if len(policies) == 0 {
		policies = DefaultPolicies()
	}
	var ids []int64
	if err := pool.SelectContext(ctx, &ids, s.sla.ToScan, 5000, OpenStatesArg()); err != nil {
		return res, fmt.Errorf("tickets to scan: %w", err)
	}
	for _, id := range ids {
		err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
			w, b, d, err := s.scanOne(ctx, tx, id, policies, cals, now)
			res.Warnings += w
			res.Breaches += b
			res.Deferred += d
			return err
		})
		if err != nil {
			return res, fmt.Errorf("scan ticket %d: %w", id, err)
		}
		res.Scanned++
	}
	return res, nil
}

func (s *Store) scanOne(ctx context.Context, tx *sqlx.Tx, id int64, policies []Policy, cals *Calendars, now time.Time) (warnings, breaches, deferred int, err error) {
	var t Ticket
	if err := tx.GetContext(ctx, &t, s.q.GetTicketForUpdate, id); err != nil {
		return 0, 0, 0, err
	}
	events, err := s.Events(ctx, tx, id)
	if err != nil {
		return 0, 0, 0, err
	}
	p, ok := PolicyFor(policies, &t)
	if !ok {
		p = Policy{}
	}
	clocks := ClocksOn(&t, events, p, cals, now)
	if t.State.Open() {
		for _, c := range clocks {
			if !c.Running {
				continue
			}
			kind := ""
			switch {
			case c.Breached:
				kind = "breach"
			case c.Warned:
				kind = "warning"
			default:
				continue
			}
			if t.Priority != P1 && !cals.For(&t, c.Target).IsOpen(now) {
				deferred++
				continue
			}
			inserted, err := s.recordSLAEvent(ctx, tx, &t, c, kind, now)
			if err != nil {
				return warnings, breaches, deferred, err
			}
			if !inserted {
				continue // acted on by an earlier scan (or another instance)
			}
			if kind == "warning" {
				warnings++
				err = s.notifyTicket(ctx, tx, &t, "sla_warning", fmt.Sprintf("%s: %s at %d%% (%s left)", t.Number, c.Target,
					int(100*c.Elapsed/c.Goal), c.Remaining().Round(time.Minute)), now)
			} else {
				breaches++
				err = s.breach(ctx, tx, &t, p, c, now)
			}
			if err != nil {
				return warnings, breaches, deferred, err
			}
		}
	}
	if breaches > 0 {
		// The actions (escalation, priority) are events too: the stored
		// summary includes them at once.
		if events, err = s.Events(ctx, tx, id); err != nil {
			return warnings, breaches, deferred, err
		}
		clocks = ClocksOn(&t, events, p, cals, now)
	}
	sum := summarise(id, clocks, events, now)
	sum.TicketCreatedAt, sum.TicketResolvedAt = t.CreatedAt, t.ResolvedAt
	if _, err := sqlx.NamedExecContext(ctx, tx, s.sla.UpsertTicketSLA, &sum); err != nil {
		return warnings, breaches, deferred, err
	}
	return warnings, breaches, deferred, nil
}

func (s *Store) recordSLAEvent(ctx context.Context, tx *sqlx.Tx, t *Ticket, c Clock, kind string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, s.sla.InsertSLAEvent, t.ID, string(c.Target), kind, now, int64(c.Elapsed/time.Second))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return false, nil
	}
	err = s.event(ctx, tx, &Event{TicketID: t.ID, At: now, Actor: "system:sla", Kind: "sla_" + kind, Field: string(c.Target),
		NewValue: c.Elapsed.Round(time.Minute).String()})
	return true, err
}

// breach runs the policy's actions for a breached target.
func (s *Store) breach(ctx context.Context, tx *sqlx.Tx, t *Ticket, p Policy, c Clock, now time.Time) error {
	for _, action := range p.OnBreach {
		switch action {
		case "escalate":
			if t.Level == 1 {
				nt, err := s.Escalate(ctx, tx, t.ID, "system:sla", fmt.Sprintf("SLA %s breached", c.Target))
				if err != nil {
					return err
				}
				*t = *nt
			}
		case "raise_priority":
			if up := higher(t.Priority); up != t.Priority {
				nt, err := s.update(ctx, tx, t.ID, "system:sla", func(x *Ticket) error { x.Priority = up; return nil })
				if err != nil {
					return err
				}
				*t = *nt
			}
		case "notify_supervisor":
			if _, err := tx.ExecContext(ctx, s.sla.InsertNotification, nil, "supervisor", t.ID, "sla_breach",
				fmt.Sprintf("%s: %s breached (%s elapsed of %s)", t.Number, c.Target, c.Elapsed.Round(time.Minute), c.Goal), now); err != nil {
				return err
			}
		}
	}
	return s.notifyTicket(ctx, tx, t, "sla_breach", fmt.Sprintf("%s: %s breached", t.Number, c.Target), now)
}

// notifyTicket notifies the assignee, or the queue of the ticket's level
// when nobody holds it.
func (s *Store) notifyTicket(ctx context.Context, tx *sqlx.Tx, t *Ticket, kind, body string, now time.Time) error {
	role := "agent_l1"
	if t.Level == 2 {
		role = "agent_l2"
	}
	var user any
	if t.AgentID != nil {
		user, role = *t.AgentID, ""
	}
	_, err := tx.ExecContext(ctx, s.sla.InsertNotification, user, role, t.ID, kind, body, now)
	return err
}

func higher(p Priority) Priority {
	switch p {
	case P4:
		return P3
	case P3:
		return P2
	case P2:
		return P1
	}
	return p
}

// SLAScanArgs is the periodic job that runs ScanSLA.
type SLAScanArgs struct{}

// Kind names the job.
func (SLAScanArgs) Kind() string { return "sla_scan" }

// SLAScanWorker runs the scan on the durable job queue: the periodic
// scheduler runs on one elected instance, and the unique sla_events key
// guards against a second scan acting twice.
type SLAScanWorker struct {
	river.WorkerDefaults[SLAScanArgs]
	Store     *Store
	DB        *sqlx.DB
	Calendars *Calendars
}

// Work scans.
func (w *SLAScanWorker) Work(ctx context.Context, job *river.Job[SLAScanArgs]) error {
	_, err := w.Store.ScanSLAOn(ctx, w.DB, w.Calendars, w.Store.now())
	return err
}
