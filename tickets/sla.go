// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"fmt"
	"time"
)

// Target is one service-level target of a ticket.
type Target string

// The targets a contract measures, each in working time of the business
// calendar, paused while the ticket waits for the requester or a third
// party.
const (
	TargetTakeCharge    Target = "take_charge"    // an agent takes the ticket
	TargetFirstResponse Target = "first_response" // first public reply by the desk
	TargetResolve       Target = "resolve"        // resolved
	TargetIntervention  Target = "intervention"   // e.g. on site; recorded by the agent
)

// Targets lists them in life order.
var Targets = []Target{TargetTakeCharge, TargetFirstResponse, TargetResolve, TargetIntervention}

// EventIntervention is the event kind an agent records when the
// intervention (on-site visit, remote session…) happened.
const EventIntervention = "intervention"

// Policy is the set of targets for tickets of one priority (optionally
// narrowed to a category or product). A zero duration means "not
// measured".
type Policy struct {
	ID       int64            `db:"id" json:"id"`
	Priority Priority         `db:"priority" json:"priority"`
	Category string           `db:"category" json:"category"`
	Product  string           `db:"product" json:"product"`
	Targets  map[Target]int64 `db:"-" json:"targets_minutes"`
	// WarnShare is the share of a target (e.g. 0.75) at which the assignee
	// and the queue are warned.
	WarnShare float64 `db:"warn_share" json:"warn_share"`
	// OnBreach lists the actions at breach: escalate, raise_priority,
	// notify_supervisor.
	OnBreach []string `db:"-" json:"on_breach"`
}

// Target returns the duration of target t (0: not measured).
func (p Policy) Target(t Target) time.Duration {
	return time.Duration(p.Targets[t]) * time.Minute
}

// DefaultPolicies are the targets used when none are configured, in
// working time: P1 taken within 30 min, answered within 1 h, on site
// within 16 h, resolved within 2 working days (16 h); P2 1 h / 4 h / 24 h /
// 32 h; P3 4 h / 8 h / – / 60 h; P4 8 h / 16 h / – / 120 h.
func DefaultPolicies() []Policy {
	mk := func(p Priority, take, first, interv, resolve int64, breach ...string) Policy {
		return Policy{Priority: p, WarnShare: 0.75, OnBreach: breach, Targets: map[Target]int64{
			TargetTakeCharge: take, TargetFirstResponse: first, TargetIntervention: interv, TargetResolve: resolve}}
	}
	return []Policy{
		mk(P1, 30, 60, 16*60, 16*60, "escalate", "notify_supervisor"),
		mk(P2, 60, 4*60, 24*60, 32*60, "escalate", "notify_supervisor"),
		mk(P3, 4*60, 8*60, 0, 60*60, "raise_priority"),
		mk(P4, 8*60, 16*60, 0, 120*60, "raise_priority"),
	}
}

// PolicyFor picks the most specific policy for a ticket: same priority and
// product, then same priority and category, then the priority alone.
func PolicyFor(ps []Policy, t *Ticket) (Policy, bool) {
	best, score := Policy{}, -1
	for _, p := range ps {
		if p.Priority != t.Priority || (p.Category != "" && p.Category != t.Category) || (p.Product != "" && p.Product != t.Product) {
			continue
		}
		s := 0
		if p.Product != "" {
			s += 2
		}
		if p.Category != "" {
			s++
		}
		if s > score {
			best, score = p, s
		}
	}
	return best, score >= 0
}

// Clock is where one target of one ticket stands at a moment.
type Clock struct {
	Target    Target        `json:"target"`
	Goal      time.Duration `json:"goal"`    // the target's working time
	Elapsed   time.Duration `json:"elapsed"` // working time counted so far (pauses excluded)
	Paused    time.Duration `json:"paused"`  // working time spent paused
	Running   bool          `json:"running"` // not yet met and not paused now
	PausedNow bool          `json:"paused_now"`
	Met       *time.Time    `json:"met,omitempty"` // when the target was reached
	Due       *time.Time    `json:"due,omitempty"` // when it falls due if nothing pauses it (nil when paused or met)
	Breached  bool          `json:"breached"`      // elapsed beyond the goal (when met late, or still running)
	Warned    bool          `json:"warned"`        // elapsed beyond WarnShare of the goal
	Calendar  string        `json:"calendar"`      // the calendar it is counted on
}

// Remaining is the working time left (negative when breached).
func (c Clock) Remaining() time.Duration { return c.Goal - c.Elapsed }

// pausing states stop every clock.
func pausing(s State) bool { return s == StateWaitingRequester || s == StateWaitingThirdParty }

// Clocks computes every measured target of the ticket at now on one
// calendar; ClocksOn is the same with each target on its own calendar.
func Clocks(t *Ticket, events []Event, p Policy, cal *BusinessCalendar, now time.Time) []Clock {
	return ClocksOn(t, events, p, SingleCalendar(cal), now)
}

// ClocksOn computes every measured target of the ticket at now, from the
// ticket and its event log alone: the event log is the only source, so the
// history of every clock can be derived again at any time — which is why
// no due time is stored, and a changed calendar moves every open ticket's
// due times at the next computation. Each target is counted on the
// calendar cals picks for it (its priority's, its team's, its level's);
// the ticket's current level and team count for its whole life.
func ClocksOn(t *Ticket, events []Event, p Policy, cals *Calendars, now time.Time) []Clock {
	// Pause intervals from the state changes.
	type span struct{ from, to time.Time }
	var pauses []span
	state, since := StateNew, t.CreatedAt
	met := map[Target]*time.Time{}
	for i := range events {
		e := &events[i]
		switch {
		case e.Kind == EventState:
			to := State(e.NewValue)
			if pausing(state) && !pausing(to) {
				pauses = append(pauses, span{since, e.At})
			}
			if !pausing(state) && pausing(to) {
				since = e.At
			}
			state = to
			if to == StateOpen && met[TargetTakeCharge] == nil {
				met[TargetTakeCharge] = &e.At
			}
			if to == StateResolved || to == StateClosed || to == StateCancelled {
				met[TargetResolve] = &e.At
			}
			if to == StateOpen && (State(e.OldValue) == StateResolved) {
				met[TargetResolve] = nil // reopened: the resolution clock runs again
			}
		case e.Kind == EventAssigned && e.NewValue != "" && met[TargetTakeCharge] == nil:
			met[TargetTakeCharge] = &e.At
		case (e.Kind == EventComment && e.NewValue != pendingDelivery || e.Kind == EventDelivered) &&
			met[TargetFirstResponse] == nil && isDesk(e.Actor):
			// A chat reply counts when it reached the requester.
			met[TargetFirstResponse] = &e.At
		case e.Kind == EventIntervention && met[TargetIntervention] == nil:
			met[TargetIntervention] = &e.At
		}
	}
	pausedNow := pausing(state)
	if pausedNow {
		pauses = append(pauses, span{since, now})
	}
	// A finished ticket stops every clock: resolving it answered and took
	// charge of it; an intervention it never needed is not judged.
	finished := met[TargetResolve]
	var out []Clock
	for _, target := range Targets {
		goal := p.Target(target)
		if goal <= 0 {
			continue
		}
		cal := cals.For(t, target)
		c := Clock{Target: target, Goal: goal, Met: met[target], Calendar: cals.NameFor(t, target)}
		if finished != nil && c.Met == nil {
			if target == TargetIntervention {
				continue
			}
			c.Met = finished
		}
		end := now
		if c.Met != nil {
			end = *c.Met
		}
		for _, s := range pauses {
			from, to := s.from, s.to
			if to.After(end) {
				to = end
			}
			c.Paused += cal.WorkingTime(from, to)
		}
		c.Elapsed = cal.WorkingTime(t.CreatedAt, end) - c.Paused
		c.PausedNow = pausedNow && c.Met == nil
		c.Running = c.Met == nil && !c.PausedNow
		if c.Running {
			due := cal.AddWorkingHours(now, goal-c.Elapsed)
			if goal < c.Elapsed {
				due = now // already late: due in the past, shown as now
			}
			c.Due = &due
		}
		c.Breached = c.Elapsed > goal
		c.Warned = p.WarnShare > 0 && float64(c.Elapsed) >= p.WarnShare*float64(goal)
		out = append(out, c)
	}
	return out
}

// isDesk tells whether an actor speaks for the desk (an agent or the
// system), not the requester or the bot's automatic acknowledgement.
func isDesk(actor string) bool {
	return len(actor) > 6 && actor[:6] == "agent:"
}

// String renders a clock for logs and tests.
func (c Clock) String() string {
	state := "running"
	switch {
	case c.Met != nil:
		state = "met"
	case c.PausedNow:
		state = "paused"
	}
	return fmt.Sprintf("%s %s elapsed=%s/%s breached=%v", c.Target, state, c.Elapsed, c.Goal, c.Breached)
}
