// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// EventCalendarChanged is the timeline event of an open ticket whose
// clocks run on a calendar whose configuration changed: Field names the
// calendar, OldValue and NewValue the first characters of its digests.
const EventCalendarChanged = "calendar_changed"

// CalendarChange says what RecordCalendarChanges found.
type CalendarChange struct {
	Changed []string // calendars whose configuration differs from the last start
	Tickets int      // open tickets that got a calendar_changed event
}

// RecordCalendarChanges compares each calendar's configuration digest with
// the one stored at the previous start. For a changed calendar every open
// ticket with a measured clock on it gets a calendar_changed event; then
// the digests are stored. A calendar seen for the first time is only
// stored: there is no earlier configuration to compare with.
//
// Due times are not stored anywhere (ClocksOn derives them from the event
// log on the calendar of the moment), so nothing else needs rewriting: the
// console shows the new due times at once and the next SLA scan (run at
// start) refreshes the stored summaries.
func (s *Store) RecordCalendarChanges(ctx context.Context, pool *sqlx.DB, cals *Calendars, now time.Time) (CalendarChange, error) {
	var res CalendarChange
	err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		res = CalendarChange{}
		// Two instances starting together: the second waits, then sees the
		// first one's digests and finds nothing changed.
		if _, err := tx.ExecContext(ctx, s.sla.LockCalendarHashes); err != nil {
			return fmt.Errorf("lock calendar digests: %w", err)
		}
		var rows []struct {
			Name string `db:"name"`
			Hash string `db:"hash"`
		}
		if err := tx.SelectContext(ctx, &rows, s.sla.CalendarHashes); err != nil {
			return fmt.Errorf("calendar digests: %w", err)
		}
		stored := map[string]string{}
		for _, r := range rows {
			stored[r.Name] = r.Hash
		}
		changed := map[string]bool{}
		for _, name := range cals.Names() {
			h := cals.Hash(name)
			if h == "" || stored[name] == h {
				continue
			}
			if stored[name] != "" {
				changed[name] = true
				res.Changed = append(res.Changed, name)
			}
			if _, err := tx.ExecContext(ctx, s.sla.UpsertCalendarHash, name, h, now); err != nil {
				return fmt.Errorf("store digest of calendar %s: %w", name, err)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		n, err := s.markCalendarChanged(ctx, tx, cals, changed, stored, now)
		res.Tickets = n
		return err
	})
	return res, err
}

// markCalendarChanged records the event on every open ticket with a
// measured target counted on a changed calendar.
func (s *Store) markCalendarChanged(ctx context.Context, tx *sqlx.Tx, cals *Calendars, changed map[string]bool, stored map[string]string, now time.Time) (int, error) {
	policies, err := s.Policies(ctx, tx)
	if err != nil {
		return 0, err
	}
	if len(policies) == 0 {
		policies = DefaultPolicies()
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, s.sla.OpenTickets, OpenStatesArg()); err != nil {
		return 0, fmt.Errorf("open tickets: %w", err)
	}
	n := 0
	for _, id := range ids {
		var t Ticket
		if err := tx.GetContext(ctx, &t, s.q.GetTicket, id); err != nil {
			return n, fmt.Errorf("ticket %d: %w", id, err)
		}
		p, _ := PolicyFor(policies, &t)
		seen := map[string]bool{}
		for _, target := range Targets {
			name := cals.NameFor(&t, target)
			if p.Target(target) <= 0 || !changed[name] || seen[name] {
				continue
			}
			seen[name] = true
			err := s.event(ctx, tx, &Event{TicketID: id, At: now, Actor: "system:calendar", Kind: EventCalendarChanged,
				Field: name, OldValue: short(stored[name]), NewValue: short(cals.Hash(name))})
			if err != nil {
				return n, err
			}
		}
		if len(seen) > 0 {
			n++
		}
	}
	return n, nil
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
