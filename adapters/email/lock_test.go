// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"testing"

	"helpdesk/internal/testdb"
)

// TestPollLock: of two instances on the same mailbox only one polls; when
// it stops, the other takes over.
func TestPollLock(t *testing.T) {
	pool := testdb.New(t)
	srv := newIMAPServer(t, false)
	ctx := context.Background()
	a := newTestAdapter(t, imapConfig(srv), nil, WithDB(pool))
	b := newTestAdapter(t, imapConfig(srv), nil, WithDB(pool))
	la, ok, err := a.acquire(ctx)
	if err != nil || !ok {
		t.Fatalf("first instance: %v %v", ok, err)
	}
	if _, ok, err := b.acquire(ctx); err != nil || ok {
		t.Fatalf("second instance got the lock too: %v %v", ok, err)
	}
	if err := la.check(ctx); err != nil {
		t.Fatal(err)
	}
	la.release()
	lb, ok, err := b.acquire(ctx)
	if err != nil || !ok {
		t.Fatalf("second instance after release: %v %v", ok, err)
	}
	lb.release()
	other := imapConfig(srv)
	other.Mailbox = "Other"
	c := newTestAdapter(t, other, nil, WithDB(pool))
	if c.lockKey == a.lockKey {
		t.Fatal("another mailbox shares the lock")
	}
}
