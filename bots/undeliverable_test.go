// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// refusingSender refuses for good the sends whose text contains refuse,
// the way a platform answers a blocked bot or a mailbox that does not
// exist, and delivers the rest.
type refusingSender struct {
	mu     sync.Mutex
	refuse int // how many of the next sends to refuse
	sent   []Outbound
}

func (s *refusingSender) Send(_ context.Context, out Outbound) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse > 0 {
		s.refuse--
		return fmt.Errorf("%w: 403 Forbidden: bot was blocked by the user", ErrUndeliverable)
	}
	s.sent = append(s.sent, out)
	return nil
}

// TestUndeliverableIsFailedAtOnceAndHoldsNothingBack: a reply refused for
// good is marked failed (with the reason) without a retry job, Resend
// leaves it alone, and the next replies of the conversation go out at
// once instead of waiting behind it.
func TestUndeliverableIsFailedAtOnceAndHoldsNothingBack(t *testing.T) {
	h := newHarness(t)
	s := &refusingSender{refuse: 1}
	retry := &recordingRetry{}
	h.engine.RegisterSender("refusing", s)
	h.engine.opt.Retry = retry
	ctx := context.Background()

	if _, err := h.engine.Handle(ctx, Inbound{Channel: "refusing", ExternalID: "r1", ConversationKey: "cr", User: User{ID: "ur"}, Text: "ciao"}); err != nil {
		t.Fatal(err)
	}
	if len(retry.ids) != 0 {
		t.Fatalf("a reply refused for good was queued for retry: %v", retry.ids)
	}
	var failed []Message
	if err := h.db.Select(&failed, `SELECT m.id, m.send_error, m.failed_at, d.sent_at FROM messages m LEFT JOIN message_deliveries d ON d.message_id = m.id
		WHERE m.channel = 'refusing' AND m.direction = 'out' AND m.failed_at IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || failed[0].SentAt != nil || failed[0].SendError == "" {
		t.Fatalf("failed replies: %+v", failed)
	}
	if err := h.engine.Resend(ctx, failed[0].ID); err != nil {
		t.Fatalf("Resend of a failed reply: %v", err)
	}
	before := len(s.sent)

	// The next message's replies are not held back by the failed one.
	if _, err := h.engine.Handle(ctx, Inbound{Channel: "refusing", ExternalID: "r2", ConversationKey: "cr", User: User{ID: "ur"}, Text: "grazie"}); err != nil {
		t.Fatal(err)
	}
	if len(retry.ids) != 0 || len(s.sent) == before {
		t.Fatalf("the next reply waited: queued %v, sent %d (was %d)", retry.ids, len(s.sent), before)
	}
	var pending int
	if err := h.db.Get(&pending, `SELECT count(*) FROM messages WHERE channel = 'refusing' AND direction = 'out' AND failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Fatalf("%d replies left pending", pending)
	}
}

// TestUndeliverableInRetryJobIsCancelled: a temporary failure becomes a
// retry; when the retry is refused for good, the job is cancelled (River
// does not try 20 times) and the reply is marked failed.
func TestUndeliverableInRetryJobIsCancelled(t *testing.T) {
	h := newHarness(t)
	flaky := &flakySender{fails: 1}
	retry := &recordingRetry{}
	h.engine.RegisterSender("flaky", flaky)
	h.engine.opt.Retry = retry
	ctx := context.Background()
	if _, err := h.engine.Handle(ctx, Inbound{Channel: "flaky", ExternalID: "j1", ConversationKey: "cj", User: User{ID: "uj"}, Text: "ciao"}); err != nil {
		t.Fatal(err)
	}
	if len(retry.ids) == 0 {
		t.Fatal("no retry queued")
	}
	h.engine.RegisterSender("flaky", &refusingSender{refuse: 1})
	err := h.engine.Resend(ctx, retry.ids[0])
	if !errors.Is(err, ErrUndeliverable) {
		t.Fatalf("Resend = %v", err)
	}
	var m Message
	if err := h.db.Get(&m, h.engine.store.q.GetMessage, retry.ids[0]); err != nil {
		t.Fatal(err)
	}
	if m.FailedAt == nil {
		t.Fatalf("not marked failed: %+v", m)
	}
}
