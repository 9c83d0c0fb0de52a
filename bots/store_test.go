// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

func TestRedeliveredMessageIsStoredOnce(t *testing.T) {
	pool := testdb.New(t)
	s, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	var conv *Conversation
	db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		conv, _, err = s.LockOpen(ctx, tx, "slack", "D123", nil, "it", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := func() *Message {
		return &Message{ConversationID: conv.ID, Channel: "slack", ExternalID: "Ev01ABC", Direction: "in", Author: "U1", Body: "ciao", CreatedAt: now}
	}
	first, err := s.RecordMessage(ctx, pool, msg())
	if err != nil || !first {
		t.Fatalf("first delivery: new=%v err=%v", first, err)
	}
	for i := 0; i < 3; i++ {
		again, err := s.RecordMessage(ctx, pool, msg())
		if err != nil || again {
			t.Fatalf("redelivery %d: new=%v err=%v", i, again, err)
		}
	}
	other := msg()
	other.Channel = "telegram" // same id on another channel is another message
	if isNew, err := s.RecordMessage(ctx, pool, other); err != nil || !isNew {
		t.Fatalf("same external id on another channel: new=%v err=%v", isNew, err)
	}
	ms, err := s.Messages(ctx, pool, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d messages stored, want 2", len(ms))
	}
}

func TestConcurrentFirstMessagesShareOneConversation(t *testing.T) {
	pool := testdb.New(t)
	s, _ := NewStore()
	ctx := context.Background()
	now := time.Now()
	ids := make([]int64, 8)
	created := make([]bool, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
				c, made, err := s.LockOpen(ctx, tx, "telegram", "chat-77", nil, "it", now)
				if err != nil {
					return err
				}
				ids[i], created[i] = c.ID, made
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	n := 0
	for i := range ids {
		if ids[i] != ids[0] {
			t.Fatalf("conversations %v, want one", ids)
		}
		if created[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d callers say they created it, want 1", n)
	}
	// Once closed, the same key opens a new conversation.
	err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		c, err := s.Lock(ctx, tx, ids[0])
		if err != nil {
			return err
		}
		return s.SetState(ctx, tx, c, "system", StateClosed, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		c, made, err := s.LockOpen(ctx, tx, "telegram", "chat-77", nil, "it", now)
		if err != nil || !made || c.ID == ids[0] {
			t.Fatalf("after close: id=%d made=%v err=%v", c.ID, made, err)
		}
		return nil
	})
	evs, err := s.Events(ctx, pool, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].NewValue != "closed" {
		t.Fatalf("events %+v", evs)
	}
}
