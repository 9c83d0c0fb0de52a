// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// SQLFloor measures what PostgreSQL alone does with the engine's hot path:
// n messages from workers at once, each one transaction of the same two
// statements Handle runs (open-turn, finish-turn with one reply), with no
// decision, search or sending in between. `helpdesk bench` reports the
// engine's rate against it: the difference is everything the engine does
// in Go. It writes to conversations of channel "sqlfloor".
func SQLFloor(ctx context.Context, pool *sqlx.DB, ts *tickets.Store, workers, n int) (float64, error) {
	s, err := NewStore()
	if err != nil {
		return 0, err
	}
	if err := s.prepare(ctx, pool); err != nil {
		return 0, err
	}
	now := time.Now()
	convs := make([]*Conversation, workers)
	for w := range convs {
		err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
			user := fmt.Sprintf("floor-user-%d", w)
			r, err := ts.Requester(ctx, tx, tickets.Identity{Channel: "sqlfloor", ExternalID: user})
			if err != nil {
				return err
			}
			m := &Message{Channel: "sqlfloor", ExternalID: fmt.Sprintf("floor-%d-0", w), Direction: "in", Author: user, Body: "ciao", CreatedAt: now}
			convs[w], _, err = s.createOrLock(ctx, tx, m, fmt.Sprintf("floor-%d", w), &r.ID, "it", now)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("sql floor set-up: %w", err)
		}
	}
	var next atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("floor-user-%d", w)
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
					at := time.Now()
					m := &Message{Channel: "sqlfloor", ExternalID: fmt.Sprintf("floor-%d-%d", w, i), Direction: "in",
						Author: user, Body: "la stampante non stampa", CreatedAt: at}
					o, err := s.openTurn(ctx, tx, m, convs[w].Key)
					if err != nil {
						return err
					}
					if o.conversation == nil || !o.recorded {
						return fmt.Errorf("sql floor: message %d not recorded", i)
					}
					c := o.conversation
					c.UpdatedAt, c.LastMessageAt = at, at
					reply := &Message{ConversationID: c.ID, Channel: "sqlfloor", ExternalID: fmt.Sprintf("out:%d:0", m.ID),
						Direction: "out", Author: "bot", Body: "Ho trovato questo nelle guide.", CreatedAt: at}
					_, err = s.finishTurn(ctx, tx, c, []*Message{reply}, nil)
					return err
				})
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
