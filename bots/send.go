// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/riverqueue/river"

	"helpdesk/internal/db"
)

// ErrNoSender is returned when no sender is registered for a channel.
var ErrNoSender = errors.New("no sender for channel")

// deliver sends replies after commit, in order. At the first failure that
// reply and every later one become retry jobs, so the order holds. The
// error says why they were not all sent now.
func (e *Engine) deliver(ctx context.Context, outs []Outbound) error {
	return e.deliverBehind(ctx, outs, len(outs) > 0 && e.waitsBehindUnsent(ctx, outs[0])) // see sweep.go
}

// errBehind: the replies wait behind an earlier unsent one.
var errBehind = errors.New("queued behind an earlier unsent reply")

// deliverBehind is deliver when the caller already knows whether an
// earlier reply of the conversation is unsent (Handle learns it in the
// message's own transaction).
func (e *Engine) deliverBehind(ctx context.Context, outs []Outbound, behind bool) error {
	if len(outs) > 0 && behind && e.opt.Retry != nil {
		for _, o := range outs {
			if qerr := e.opt.Retry.EnqueueSend(ctx, o.MessageID, o.Channel); qerr != nil {
				e.log.Error("queue send behind an earlier unsent reply", "message_id", o.MessageID, "err", qerr)
			}
		}
		return errBehind
	}
	sent := make([]int64, 0, len(outs))
	defer func() { e.markSent(ctx, sent) }()
	var refused error
	for i, out := range outs {
		err := e.send(ctx, out)
		if err == nil {
			sent = append(sent, out.MessageID)
			e.delivered(ctx, out)
			continue
		}
		if errors.Is(err, ErrUndeliverable) {
			// Marked failed in send: nothing to retry, and the replies
			// after it go out now rather than wait behind it.
			e.log.Warn("send refused for good; not retried", "message_id", out.MessageID, "err", err)
			refused = cmp.Or(refused, err)
			continue
		}
		e.log.Warn("send failed; queued for retry", "channel", out.Channel, "message_id", out.MessageID, "err", err)
		for _, rest := range outs[i:] {
			if e.opt.Retry == nil {
				break
			}
			if qerr := e.opt.Retry.EnqueueSend(ctx, rest.MessageID, rest.Channel); qerr != nil {
				e.log.Error("queue send retry", "message_id", rest.MessageID, "err", qerr)
			}
		}
		return err
	}
	return refused
}

// delivered records on the ticket that an agent's reply reached the user
// (only agents' replies carry a Comment: the bot's path costs nothing).
func (e *Engine) delivered(ctx context.Context, out Outbound) {
	c := out.Comment
	if c == nil {
		return
	}
	err := db.Tx(ctx, e.opt.DB, func(tx *sqlx.Tx) error {
		return e.opt.Tickets.ReplyDelivered(ctx, tx, c.TicketID, c.CommentID, c.Actor, e.opt.Now())
	})
	if err != nil {
		e.log.Error("record a reply's delivery on its ticket", "ticket_id", c.TicketID, "comment_id", c.CommentID, "err", err)
	}
}

func (e *Engine) send(ctx context.Context, out Outbound) error {
	var err error
	if s := e.sender(out.Channel); s == nil {
		// Recorded like any failed send: the console shows the reply as
		// not delivered (another process may serve the channel: the
		// terminal chat delivers its own replies).
		err = fmt.Errorf("%w %q", ErrNoSender, out.Channel)
	} else {
		err = s.Send(ctx, out)
	}
	result := "sent"
	if err != nil {
		result = "failed"
	}
	e.metrics.out.WithLabelValues(out.Channel, result).Inc()
	if err != nil {
		e.recordFailure(ctx, out.MessageID, err)
	}
	return err
}

// markSent records the delivery of replies. The replies are already on
// the platform: a mark that does not reach the database would make the
// sweep send them a second time. So when the database is away (restarted,
// failing over) the mark is retried in the background, with backoff, for
// as long as the database stays away and then up to MarkSentRetry more —
// well inside bot.resend_unsent_after, which the sweep also counts from
// the database's start (sweep.sql). A retry window counted from the send
// ran out during a long outage (20 s in a chaos run) and the sweep sent
// those replies again.
func (e *Engine) markSent(ctx context.Context, ids []int64) {
	if len(ids) == 0 {
		return
	}
	at := e.opt.Now()
	err := e.marker.mark(ids, e.writeMarks)
	if err == nil {
		return
	}
	e.log.Warn("record replies as sent; retrying in the background", "message_ids", ids, "err", err)
	e.marks.Add(1)
	go func() {
		defer e.marks.Done()
		deadline := time.Now().Add(e.opt.MarkSentRetry)
		wait := 100 * time.Millisecond
		for time.Now().Before(deadline) {
			time.Sleep(min(wait, time.Until(deadline)))
			if err = e.tryMarkSent(context.Background(), ids, at); err == nil {
				e.log.Info("replies recorded as sent after a retry", "message_ids", ids)
				return
			}
			if db.IsUnavailable(err) || errors.Is(err, context.DeadlineExceeded) {
				// Still away (or too slow to answer): the window starts
				// again from now.
				deadline = time.Now().Add(e.opt.MarkSentRetry)
			}
			wait = min(2*wait, 5*time.Second)
		}
		e.log.Error("record replies as sent: gave up; the sweep will send them again", "message_ids", ids, "err", err)
	}()
}

// markBatcher writes the delivery marks of concurrent messages together:
// while one INSERT runs, the marks that arrive wait and go in the next
// one, so under load there is one round trip for many messages, and alone
// a message waits for nothing but its own. Each caller still returns only
// once its mark is written (or failed): the next message of the same
// conversation must find it sent.
type markBatcher struct {
	mu      sync.Mutex
	pending []int64
	waiters []chan error
	running bool

	prepared lazyStmt // mark-sent, on the bookkeeping pool
}

func (b *markBatcher) mark(ids []int64, write func([]int64) error) error {
	done := make(chan error, 1)
	b.mu.Lock()
	b.pending = append(b.pending, ids...)
	b.waiters = append(b.waiters, done)
	if !b.running {
		b.running = true
		go b.run(write)
	}
	b.mu.Unlock()
	return <-done
}

func (b *markBatcher) run(write func([]int64) error) {
	for {
		b.mu.Lock()
		ids, waiters := b.pending, b.waiters
		b.pending, b.waiters = nil, nil
		if len(waiters) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		err := write(ids)
		for _, w := range waiters {
			w <- err
		}
	}
}

// writeMarks is the batcher's write: the marks of several messages.
func (e *Engine) writeMarks(ids []int64) error {
	return e.tryMarkSent(context.Background(), ids, e.opt.Now())
}

func (e *Engine) tryMarkSent(ctx context.Context, ids []int64, at time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if st := e.marker.prepared.get(ctx, e.opt.BookkeepingDB, e.store.q.MarkSent); st != nil {
		_, err := st.ExecContext(ctx, pq.Array(ids), at)
		return err
	}
	_, err := e.opt.BookkeepingDB.ExecContext(ctx, e.store.q.MarkSent, pq.Array(ids), at)
	return err
}

// WaitMarks waits for the delivery marks still being retried (at most
// MarkSentRetry): call it on shutdown, after the last message.
func (e *Engine) WaitMarks() { e.marks.Wait() }

// errNotYet means an earlier reply of the conversation is still unsent.
var errNotYet = errors.New("an earlier reply is still unsent")

// Resend delivers a stored reply that has not been sent yet. A reply
// already sent is not sent again; a reply whose predecessor is unsent
// waits (errNotYet), so a conversation's replies keep their order.
func (e *Engine) Resend(ctx context.Context, messageID int64) error {
	var m Message
	if err := e.opt.DB.GetContext(ctx, &m, e.store.q.GetMessage, messageID); err != nil {
		return fmt.Errorf("load reply %d: %w", messageID, err)
	}
	if m.SentAt != nil || m.FailedAt != nil {
		return nil // delivered, or refused for good: nothing to send
	}
	var earlier int
	if err := e.opt.DB.GetContext(ctx, &earlier, e.store.q.EarlierUnsent, m.ConversationID, m.ID); err != nil {
		return err
	}
	if earlier > 0 {
		return errNotYet
	}
	var key string
	if err := e.opt.DB.GetContext(ctx, &key, e.store.q.ConversationKey, m.ConversationID); err != nil {
		return err
	}
	var r Reply
	if err := json.Unmarshal(m.Payload, &r); err != nil {
		return fmt.Errorf("reply %d payload: %w", m.ID, err)
	}
	lock := e.stripe(m.Channel, key)
	lock.Lock()
	defer lock.Unlock()
	out := Outbound{MessageID: m.ID, ExternalID: m.ExternalID, Channel: m.Channel, ConversationKey: key, Reply: r}
	if err := e.send(ctx, out); err != nil {
		return err
	}
	e.markSent(ctx, []int64{m.ID})
	e.delivered(ctx, out)
	return nil
}

// truncate bounds a platform's error text for the messages table. The
// text comes from outside: NUL bytes and invalid UTF-8 (also made by a cut
// inside a character) are removed, or PostgreSQL refuses the whole mark.
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
}

// SendArgs is the durable retry of one reply.
type SendArgs struct {
	MessageID int64  `json:"message_id"`
	Channel   string `json:"channel"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "send_reply" }

// InsertOpts: one pending retry per reply.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 20, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendWorker runs SendArgs jobs through the engine.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Engine *Engine
}

// Work resends the reply; River retries it with backoff on error.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	err := w.Engine.Resend(ctx, job.Args.MessageID)
	if errors.Is(err, errNotYet) {
		return river.JobSnooze(2 * time.Second)
	}
	if errors.Is(err, ErrUndeliverable) {
		return river.JobCancel(err) // recorded as failed; another try would be refused the same way
	}
	return err
}

// RiverRetry queues send retries on a River client.
type RiverRetry struct {
	Client *river.Client[*sql.Tx]
}

// EnqueueSend inserts the retry job.
func (r RiverRetry) EnqueueSend(ctx context.Context, messageID int64, channel string) error {
	_, err := r.Client.Insert(ctx, SendArgs{MessageID: messageID, Channel: channel}, nil)
	return err
}

// NotifyChannel is the PostgreSQL channel on which every change of a
// conversation is announced (its id as payload), on commit.
const NotifyChannel = "helpdesk_conversations"

// DeliverPending sends, through this process's sender, the replies of
// conversation (channel, key) still undelivered — those an agent wrote
// in another process that has no sender for the channel (the terminal
// chat is such a channel). It returns how many it sent.
func (e *Engine) DeliverPending(ctx context.Context, channel, key string) (int, error) {
	var ids []int64
	if err := e.opt.DB.SelectContext(ctx, &ids, e.store.q.UnsentReplies, channel, key); err != nil {
		return 0, fmt.Errorf("unsent replies: %w", err)
	}
	n := 0
	for _, id := range ids {
		if err := e.Resend(ctx, id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
