// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

type fixture struct {
	db    *sqlx.DB
	store *tickets.Store
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{db: testdb.New(t), now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	s, err := tickets.NewStore(tickets.Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	f.store = s
	return f
}

func (f *fixture) create(t *testing.T) *tickets.Ticket {
	t.Helper()
	tk, err := f.store.Create(context.Background(), f.db, "bot", tickets.NewTicket{
		OriginChannel: "telegram", Subject: "La stampante non stampa", Urgency: tickets.Medium, Impact: tickets.Medium,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// moveTo brings a fresh ticket into state s through legal steps.
func (f *fixture) moveTo(t *testing.T, id int64, s tickets.State) {
	t.Helper()
	ctx := context.Background()
	var err error
	switch s {
	case tickets.StateNew:
	case tickets.StateResolved:
		_, err = f.store.Resolve(ctx, f.db, id, "agent:1", "fixed", "")
	case tickets.StateClosed:
		f.moveTo(t, id, tickets.StateResolved)
		_, err = f.store.Transition(ctx, f.db, id, "system", tickets.StateClosed)
	default:
		_, err = f.store.Transition(ctx, f.db, id, "agent:1", s)
	}
	if err != nil {
		t.Fatalf("move to %s: %v", s, err)
	}
}

func TestConcurrentNumbersAreDistinct(t *testing.T) {
	f := newFixture(t)
	const n = 200
	var wg sync.WaitGroup
	numbers := make(chan string, n)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, err := f.store.Create(context.Background(), f.db, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "x"})
			if err != nil {
				errs <- err
				return
			}
			numbers <- tk.Number
		}()
	}
	wg.Wait()
	close(numbers)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	re := regexp.MustCompile(`^HD-2026-\d{6}$`)
	for num := range numbers {
		if !re.MatchString(num) {
			t.Fatalf("number %q has the wrong form", num)
		}
		if seen[num] {
			t.Fatalf("number %s given twice", num)
		}
		seen[num] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct numbers, want %d", len(seen), n)
	}
	if !seen["HD-2026-000001"] || !seen[fmt.Sprintf("HD-2026-%06d", n)] {
		t.Fatal("numbers are not the consecutive 1…200")
	}
}

func TestNumbersRestartEachYear(t *testing.T) {
	f := newFixture(t)
	a := f.create(t)
	f.now = time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	b := f.create(t)
	if a.Number != "HD-2026-000001" || b.Number != "HD-2027-000001" {
		t.Fatalf("numbers %s, %s", a.Number, b.Number)
	}
}

func TestGetByNumberAndNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk := f.create(t)
	got, err := f.store.GetByNumber(ctx, f.db, "hd-2026-000001 ")
	if err != nil || got.ID != tk.ID {
		t.Fatalf("GetByNumber = %v, %v", got, err)
	}
	if _, err := f.store.GetByNumber(ctx, f.db, "HD-2026-999999"); !errors.Is(err, tickets.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if _, err := f.store.Create(ctx, f.db, "bot", tickets.NewTicket{OriginChannel: "web"}); !errors.Is(err, tickets.ErrInvalid) {
		t.Fatalf("ticket without subject: err = %v, want ErrInvalid", err)
	}
}
