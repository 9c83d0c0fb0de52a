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
// statements Handle runs (open-turns, finish-turns with one reply), with no
// decision, search or sending in between. `helpdesk bench` reports the
// engine's rate against it: the difference is everything the engine does
// in Go. It writes to conversations of channel "sqlfloor".
func SQLFloor(ctx context.Context, pool *sqlx.DB, ts *tickets.Store, workers, n int) (float64, error) {
	return sqlFloor(ctx, pool, ts, workers, n, 1, true)
}

// SQLFloorBatched is the batched floor as issue 21 measured it: perTx
// messages of as many different conversations in each transaction, each
// message still with its own two statements (two round trips a message).
// It is the floor of grouping alone, without the set-based statements the
// engine's groups use (SQLFloorGrouped).
func SQLFloorBatched(ctx context.Context, pool *sqlx.DB, ts *tickets.Store, workers, n, perTx int) (float64, error) {
	return sqlFloor(ctx, pool, ts, workers, n, max(perTx, 1), false)
}

// SQLFloorGrouped is SQLFloor with perTx messages, of as many different
// conversations, in each transaction: the floor of group commit, against
// which `helpdesk bench` sets the engine with grouping on.
func SQLFloorGrouped(ctx context.Context, pool *sqlx.DB, ts *tickets.Store, workers, n, perTx int) (float64, error) {
	return sqlFloor(ctx, pool, ts, workers, n, max(perTx, 1), true)
}

// sqlFloor runs n messages, perTx in each transaction, on workers
// connections at once: with setBased, one open-turns and one finish-turns
// for the transaction's messages together, as the engine's groups do;
// without, the two statements for each message in turn.
func sqlFloor(ctx context.Context, pool *sqlx.DB, ts *tickets.Store, workers, n, perTx int, setBased bool) (float64, error) {
	s, err := NewStore()
	if err != nil {
		return 0, err
	}
	s.prepareOn(pool)
	now := time.Now()
	// Each worker has perTx conversations of its own; the runs of
	// different calls write to different ones.
	run := now.UnixNano()
	convs := make([]*Conversation, workers*perTx)
	for c := range convs {
		err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
			user := fmt.Sprintf("floor-user-%d", c)
			if _, err := ts.Requester(ctx, tx, tickets.Identity{Channel: "sqlfloor", ExternalID: user}); err != nil {
				return err
			}
			m := &Message{Channel: "sqlfloor", ExternalID: fmt.Sprintf("floor-%d-%d-0", run, c), Direction: "in", Author: user, Body: "ciao", CreatedAt: now}
			o, err := s.openAlone(ctx, tx, openArg{m: m, key: fmt.Sprintf("floor-%d-%d", run, c), lang: "it", now: now})
			convs[c] = o.conversation
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("sql floor set-up: %w", err)
		}
	}
	var next, done atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(int64(perTx))
				if i-int64(perTx) >= int64(n) {
					return
				}
				err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
					at := time.Now()
					args := make([]openArg, perTx)
					for k := range perTx {
						conv := convs[w*perTx+k]
						user := fmt.Sprintf("floor-user-%d", w*perTx+k)
						args[k] = openArg{key: conv.Key, m: &Message{Channel: "sqlfloor", ExternalID: fmt.Sprintf("floor-%d-%d-%d", run, w*perTx+k, i),
							Direction: "in", Author: user, Body: "la stampante non stampa", CreatedAt: at}}
					}
					if !setBased {
						for k := range args {
							if err := floorTurns(ctx, s, tx, args[k:k+1], at); err != nil {
								return err
							}
						}
						return nil
					}
					return floorTurns(ctx, s, tx, args, at)
				})
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				done.Add(int64(perTx))
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

// floorTurns runs open-turns and finish-turns, with one reply each, for
// the messages of args at once.
func floorTurns(ctx context.Context, s *Store, tx *sqlx.Tx, args []openArg, at time.Time) error {
	opens, err := s.openTurns(ctx, tx, args)
	if err != nil {
		return err
	}
	fins := make([]*finishArg, len(args))
	for k, o := range opens {
		if o.conversation == nil || !o.recorded {
			return fmt.Errorf("sql floor: message %s not recorded", args[k].m.ExternalID)
		}
		c := o.conversation
		c.UpdatedAt, c.LastMessageAt = at, at
		reply := &Message{ConversationID: c.ID, Channel: "sqlfloor", ExternalID: fmt.Sprintf("out:%d:0", args[k].m.ID),
			Direction: "out", Author: "bot", Body: "Ho trovato questo nelle guide.", CreatedAt: at}
		fins[k] = &finishArg{conv: c, replies: []*Message{reply}}
	}
	return s.finishTurns(ctx, tx, fins)
}

// SeedHistory adds n closed conversations of the requesters with an
// identity on channel (tickets.SeedHistory made them), with their
// messages, delivery marks and audit lines: the past of a desk that
// `helpdesk bench` gives its throw-away database, so that its runs meet
// tables of a realistic size (seed-history). It returns how many messages
// it wrote. Only for such a database.
func SeedHistory(ctx context.Context, tx *sqlx.Tx, channel string, n int) (int, error) {
	s, err := NewStore()
	if err != nil {
		return 0, err
	}
	var msgs int
	if err := tx.GetContext(ctx, &msgs, s.q.SeedHistory, n, channel); err != nil {
		return 0, fmt.Errorf("history conversations: %w", err)
	}
	return msgs, nil
}
