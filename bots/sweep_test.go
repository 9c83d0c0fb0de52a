// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSweepQueuesRepliesLeftUnsent(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// The sender fails, and the retry queue drops what it is given: the
	// state a process killed between commit and send leaves behind.
	lost := &recordingRetry{}
	flaky := &flakySender{fails: 1000}
	h.engine.RegisterSender("crashy", flaky)
	h.engine.opt.Retry = lost
	in := Inbound{Channel: "crashy", ExternalID: "s1", ConversationKey: "cs", User: User{ID: "us"}, Text: "ciao"}
	if _, err := h.engine.Handle(ctx, in); err != nil {
		t.Fatal(err)
	}
	var unsent int
	if err := h.db.Get(&unsent, `SELECT count(*) FROM messages WHERE channel = 'crashy' AND direction = 'out' AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`); err != nil {
		t.Fatal(err)
	}
	if unsent == 0 {
		t.Fatal("no unsent reply to sweep")
	}

	sweep := &recordingRetry{}
	h.engine.opt.Retry = sweep
	tests := []struct {
		name  string
		after time.Duration
		want  int
	}{
		{"too recent: may still be in flight", time.Hour, 0},
		{"old enough", time.Nanosecond, unsent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sweep.ids = nil
			h.engine.opt.Now = func() time.Time { return h.now.Add(time.Minute) }
			n, err := h.engine.SweepUnsent(ctx, tc.after)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.want || len(sweep.ids) != tc.want {
				t.Fatalf("queued %d (%v), want %d", n, sweep.ids, tc.want)
			}
		})
	}

	// Old enough, but PostgreSQL has not been up that long (it restarted):
	// the replies wait, so a "sent" mark still being retried by the
	// instance that sent them can land first.
	t.Run("database restarted within the wait", func(t *testing.T) {
		var up float64
		if err := h.db.Get(&up, `SELECT extract(epoch FROM now() - pg_postmaster_start_time())`); err != nil {
			t.Fatal(err)
		}
		after := time.Duration(up)*time.Second + time.Hour
		if after >= sweepHorizon {
			t.Skipf("the test cluster has been up %.0f s: no wait both longer and inside the sweep's horizon", up)
		}
		ids := sweep.ids
		sweep.ids = nil
		h.engine.opt.Now = func() time.Time { return h.now.Add(after + time.Minute) }
		n, err := h.engine.SweepUnsent(ctx, after)
		if err != nil || n != 0 {
			t.Fatalf("swept %d replies within the wait after the database started (%v)", n, err)
		}
		sweep.ids = ids
	})

	// Once sent, nothing is swept, and the queued job sends nothing twice.
	flaky.fails = 0
	for _, id := range sweep.ids {
		if err := h.engine.Resend(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	sweep.ids = nil
	if n, err := h.engine.SweepUnsent(ctx, time.Nanosecond); err != nil || n != 0 {
		t.Fatalf("swept %d replies already sent (%v)", n, err)
	}
	if len(flaky.sent) != unsent {
		t.Fatalf("sent %d, want %d", len(flaky.sent), unsent)
	}
}

func TestSweepNeedsAQueue(t *testing.T) {
	h := newHarness(t)
	h.engine.opt.Retry = nil
	if _, err := h.engine.SweepUnsent(context.Background(), time.Second); !errors.Is(err, ErrNoRetryQueue) {
		t.Fatalf("err %v, want ErrNoRetryQueue", err)
	}
}

func TestNewRepliesWaitBehindAnUnsentOne(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	flaky := &flakySender{fails: 1}
	retry := &recordingRetry{}
	h.engine.RegisterSender("flaky", flaky)
	h.engine.opt.Retry = retry
	first := Inbound{Channel: "flaky", ExternalID: "w1", ConversationKey: "cw", User: User{ID: "uw"}, Text: "ciao"}
	if _, err := h.engine.Handle(ctx, first); err != nil {
		t.Fatal(err)
	}
	queued := len(retry.ids)
	if queued == 0 {
		t.Fatal("the failed reply was not queued")
	}
	// The platform is back, but the first reply is still waiting for its
	// retry job: the next message's replies must queue behind it.
	second := Inbound{Channel: "flaky", ExternalID: "w2", ConversationKey: "cw", User: User{ID: "uw"}, Text: "la stampante non funziona"}
	res, err := h.engine.Handle(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if len(flaky.sent) != 0 {
		t.Fatalf("a later reply was sent before the earlier unsent one: %+v", flaky.sent)
	}
	if len(retry.ids) != queued+len(res.Replies) {
		t.Fatalf("queued %d, want %d", len(retry.ids), queued+len(res.Replies))
	}
	// The jobs, in any order, deliver in conversation order.
	for i := len(retry.ids) - 1; i >= 0; i-- {
		h.engine.Resend(ctx, retry.ids[i]) // the later ones answer errNotYet
	}
	for _, id := range retry.ids {
		if err := h.engine.Resend(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if len(flaky.sent) != len(retry.ids) {
		t.Fatalf("sent %d, want %d", len(flaky.sent), len(retry.ids))
	}
	for i := 1; i < len(flaky.sent); i++ {
		if flaky.sent[i].MessageID < flaky.sent[i-1].MessageID {
			t.Fatalf("out of order: %d after %d", flaky.sent[i].MessageID, flaky.sent[i-1].MessageID)
		}
	}
}
