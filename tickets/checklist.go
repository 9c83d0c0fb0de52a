// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"helpdesk/internal/db"
)

// Checklist event kinds: attaching a procedure, ticking and unticking a
// step, and resolving with required steps left open (the reason is the
// event's new value).
const (
	EventChecklist          = "checklist"
	EventStepDone           = "step_done"
	EventStepUndone         = "step_undone"
	EventChecklistOverruled = "checklist_overruled"
)

// ErrChecklistIncomplete is returned when a ticket with an unticked
// required step is resolved without a reason.
var ErrChecklistIncomplete = errors.New("a required checklist step is not done")

type checklistQueries struct {
	InsertChecklist string `query:"insert-checklist"`
	InsertStep      string `query:"insert-step"`
	Checklists      string `query:"checklists"`
	Steps           string `query:"steps"`
	LockStep        string `query:"lock-step"`
	SetStep         string `query:"set-step"`
	OpenRequired    string `query:"open-required"`
}

// checklistSQL is loaded on first use, so the store's constructor needs
// no change.
func checklistSQL() (checklistQueries, error) {
	var q checklistQueries
	err := db.ScanQueries(&q, queryFS, "checklist.sql")
	return q, err
}

// StepSpec is one step of a procedure, as attached.
type StepSpec struct {
	Text     string `json:"text"`
	Required bool   `json:"required"`
}

// Checklist is a procedure attached to a ticket, with its steps.
type Checklist struct {
	ID         int64     `db:"id" json:"id"`
	TicketID   int64     `db:"ticket_id" json:"ticket_id"`
	Source     string    `db:"source" json:"source"` // the KB entry id
	Title      string    `db:"title" json:"title"`
	AttachedBy string    `db:"attached_by" json:"attached_by"`
	AttachedAt time.Time `db:"attached_at" json:"attached_at"`
	Steps      []Step    `db:"-" json:"steps"`
}

// Step is one step of an attached checklist.
type Step struct {
	ChecklistID int64      `db:"checklist_id" json:"checklist_id"`
	Position    int        `db:"position" json:"position"`
	Text        string     `db:"text" json:"text"`
	Required    bool       `db:"required" json:"required"`
	DoneAt      *time.Time `db:"done_at" json:"done_at"`
	DoneBy      string     `db:"done_by" json:"done_by"`
}

// AttachChecklist attaches a procedure (source: its KB entry id) to the
// ticket, as an event. Attaching the same source twice returns the one
// already there.
func (s *Store) AttachChecklist(ctx context.Context, q Querier, ticketID int64, actor, source, title string, steps []StepSpec) (*Checklist, error) {
	cq, err := checklistSQL()
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(source) == "" || len(steps) == 0 {
		return nil, fmt.Errorf("%w: a checklist needs a source and at least one step", ErrInvalid)
	}
	if _, err := s.Get(ctx, q, ticketID); err != nil {
		return nil, err
	}
	now := s.now()
	var id int64
	err = q.GetContext(ctx, &id, cq.InsertChecklist, ticketID, source, title, actor, now)
	if errors.Is(err, sql.ErrNoRows) {
		return s.checklistBySource(ctx, q, ticketID, source)
	}
	if err != nil {
		return nil, fmt.Errorf("attach checklist: %w", err)
	}
	for i, st := range steps {
		if _, err := q.ExecContext(ctx, cq.InsertStep, id, i+1, st.Text, st.Required); err != nil {
			return nil, fmt.Errorf("attach checklist step: %w", err)
		}
	}
	if err := s.event(ctx, q, &Event{TicketID: ticketID, At: now, Actor: actor, Kind: EventChecklist,
		Field: source, NewValue: title}); err != nil {
		return nil, err
	}
	return s.checklistBySource(ctx, q, ticketID, source)
}

func (s *Store) checklistBySource(ctx context.Context, q Querier, ticketID int64, source string) (*Checklist, error) {
	cls, err := s.Checklists(ctx, q, ticketID)
	if err != nil {
		return nil, err
	}
	for i := range cls {
		if cls[i].Source == source {
			return &cls[i], nil
		}
	}
	return nil, fmt.Errorf("%w: checklist %s", ErrNotFound, source)
}

// Checklists returns the ticket's checklists with their steps, in the
// order they were attached.
func (s *Store) Checklists(ctx context.Context, q Querier, ticketID int64) ([]Checklist, error) {
	cq, err := checklistSQL()
	if err != nil {
		return nil, err
	}
	var cls []Checklist
	if err := q.SelectContext(ctx, &cls, cq.Checklists, ticketID); err != nil {
		return nil, fmt.Errorf("checklists: %w", err)
	}
	var steps []Step
	if err := q.SelectContext(ctx, &steps, cq.Steps, ticketID); err != nil {
		return nil, fmt.Errorf("checklist steps: %w", err)
	}
	for i := range cls {
		cls[i].Steps = []Step{}
		for _, st := range steps {
			if st.ChecklistID == cls[i].ID {
				cls[i].Steps = append(cls[i].Steps, st)
			}
		}
	}
	return cls, nil
}

// TickStep marks a step done (done true) or not done again; each change
// is a ticket event. Ticking a step already in that state changes nothing.
func (s *Store) TickStep(ctx context.Context, q Querier, ticketID, checklistID int64, position int, actor string, done bool) (*Step, error) {
	cq, err := checklistSQL()
	if err != nil {
		return nil, err
	}
	var st Step
	if err := q.GetContext(ctx, &st, cq.LockStep, ticketID, checklistID, position); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: checklist %d has no step %d on this ticket", ErrStepNotFound, checklistID, position)
		}
		return nil, err
	}
	if (st.DoneAt != nil) == done {
		return &st, nil
	}
	now := s.now()
	kind := EventStepDone
	st.DoneAt, st.DoneBy = &now, actor
	if !done {
		kind = EventStepUndone
		st.DoneAt, st.DoneBy = nil, ""
	}
	if _, err := q.ExecContext(ctx, cq.SetStep, checklistID, position, st.DoneAt, st.DoneBy); err != nil {
		return nil, fmt.Errorf("tick step: %w", err)
	}
	if err := s.event(ctx, q, &Event{TicketID: ticketID, At: now, Actor: actor, Kind: kind,
		Field: strconv.FormatInt(checklistID, 10) + "/" + strconv.Itoa(position), NewValue: st.Text}); err != nil {
		return nil, err
	}
	return &st, nil
}

// ResolveChecked resolves like Resolve, but refuses
// (ErrChecklistIncomplete) while a required step of an attached checklist
// is unticked, unless reason says why; the reason is recorded as an
// event. The console and the API resolve through here.
func (s *Store) ResolveChecked(ctx context.Context, q Querier, id int64, actor, code, note, reason string) (*Ticket, error) {
	open, err := s.OpenRequiredSteps(ctx, q, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if len(open) > 0 && reason == "" {
		return nil, fmt.Errorf("%w: %s", ErrChecklistIncomplete, strings.Join(open, "; "))
	}
	t, err := s.Resolve(ctx, q, id, actor, code, note)
	if err != nil {
		return nil, err
	}
	if err := s.RecordChecklistOverrule(ctx, q, id, actor, open, reason); err != nil {
		return nil, err
	}
	return t, nil
}

// OpenRequiredSteps returns the text of every required step of the
// ticket's checklists that is not ticked yet, in order.
func (s *Store) OpenRequiredSteps(ctx context.Context, q Querier, id int64) ([]string, error) {
	cq, err := checklistSQL()
	if err != nil {
		return nil, err
	}
	var open []string
	if err := q.SelectContext(ctx, &open, cq.OpenRequired, id); err != nil {
		return nil, fmt.Errorf("open checklist steps: %w", err)
	}
	return open, nil
}

// RecordChecklistOverrule records that the ticket was resolved with the
// required steps open left undone, and why (nothing when open is empty).
// ResolveChecked calls it in its transaction; the console calls it after
// a conversation's resolution, which the engine carries out on its own.
func (s *Store) RecordChecklistOverrule(ctx context.Context, q Querier, id int64, actor string, open []string, reason string) error {
	if len(open) == 0 {
		return nil
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("%w: %s", ErrChecklistIncomplete, strings.Join(open, "; "))
	}
	return s.event(ctx, q, &Event{TicketID: id, At: s.now(), Actor: actor, Kind: EventChecklistOverruled,
		OldValue: strings.Join(open, "; "), NewValue: reason})
}
