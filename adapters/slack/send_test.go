// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/bots"
)

func TestPacer(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	p := newPacer(time.Second)
	steps := []struct {
		channel string
		at      time.Duration // since t0
		want    time.Duration
	}{
		{"D1", 0, 0},
		{"D1", 0, time.Second}, // second message at once: next second
		{"D1", 100 * time.Millisecond, 1900 * time.Millisecond}, // third: the slot after
		{"C2", 100 * time.Millisecond, 0},                       // other channels are not held up
		{"D1", 5 * time.Second, 0},                              // later: no wait
	}
	for i, s := range steps {
		if got := p.reserve(s.channel, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: wait = %v, want %v", i, got, s.want)
		}
	}
	p.hold(t0.Add(10 * time.Second))
	if got := p.reserve("C9", t0.Add(6*time.Second)); got != 4*time.Second {
		t.Errorf("after a rate limit: wait = %v, want 4s", got)
	}
}

// sleeps records the waits instead of sleeping them.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func TestSendRateLimitedThenDelivered(t *testing.T) {
	f := newFakeSlack(t)
	f.limits = []int{3} // one 429 with Retry-After: 3, then success
	a, logs := newTestAdapter(t, f, ModeSocket, newRecordingHandler())
	clock := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return clock }
	var s sleeps
	a.sleep = s.sleep

	out := bots.Outbound{MessageID: 7, ExternalID: "out:1:0", Channel: Channel, ConversationKey: "D0ANNA",
		Reply: bots.Reply{Text: "Ciao **Anna**", Buttons: []bots.Button{{Label: "Risolto", Action: "fb:yes"}}}}
	if err := a.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	posts := f.waitPosts(1)
	if f.attempts != 2 || len(posts) != 1 {
		t.Fatalf("attempts = %d, delivered = %d; want 2 attempts, 1 delivery", f.attempts, len(posts))
	}
	if posts[0].Channel != "D0ANNA" || posts[0].ThreadTS != "" || posts[0].body() != "Ciao *Anna*" || strings.Join(posts[0].buttons(), ",") != "fb:yes" {
		t.Errorf("post = %+v", posts[0])
	}
	if len(s.d) != 2 || s.d[1] != 3*time.Second {
		t.Errorf("waits = %v, want the Retry-After of 3s before the second attempt", s.d)
	}
	if !strings.Contains(logs.String(), "rate limited") {
		t.Error("the rate limit was not logged")
	}

	// The same reply again (a retry job after a lost acknowledgement): not posted twice.
	if err := a.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if f.postCount() != 1 {
		t.Fatalf("reply posted %d times", f.postCount())
	}
}

func TestSendGivesUpOnLongRateLimit(t *testing.T) {
	f := newFakeSlack(t)
	f.limits = []int{120}
	a, _ := newTestAdapter(t, f, ModeSocket, newRecordingHandler())
	var s sleeps
	a.sleep = s.sleep
	err := a.Send(context.Background(), bots.Outbound{ExternalID: "out:2:0", ConversationKey: "C0SUPPORT/1764151300.000200",
		Reply: bots.Reply{Text: "x"}})
	if err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("err = %v, want the rate limit, so the engine retries as a job", err)
	}
	if f.attempts != 1 {
		t.Fatalf("attempts = %d", f.attempts)
	}
	// A later retry of the same reply goes out (it was not marked sent).
	if err := a.Send(context.Background(), bots.Outbound{ExternalID: "out:2:0", ConversationKey: "C0SUPPORT/1764151300.000200",
		Reply: bots.Reply{Text: "x"}}); err != nil {
		t.Fatal(err)
	}
	if p := f.waitPosts(1); p[0].ThreadTS != "1764151300.000200" || p[0].Channel != "C0SUPPORT" {
		t.Fatalf("post = %+v, want it in the thread", p[0])
	}
}

func TestSendErrors(t *testing.T) {
	f := newFakeSlack(t)
	a, _ := newTestAdapter(t, f, ModeSocket, newRecordingHandler())
	if err := a.Send(context.Background(), bots.Outbound{ConversationKey: ""}); !errors.Is(err, ErrBadConversationKey) {
		t.Errorf("empty key: err = %v", err)
	}
	// channel_not_found and the like come back as errors.
	err := a.Send(context.Background(), bots.Outbound{ConversationKey: "D0ANNA", Reply: bots.Reply{Text: "x"}})
	if err != nil {
		t.Fatalf("first send: %v", err)
	}
	f.srv.Stop()
	if err := a.Send(context.Background(), bots.Outbound{ConversationKey: "D0ANNA", Reply: bots.Reply{Text: "y"}}); err == nil {
		t.Fatal("send to a stopped server succeeded")
	}
}

func TestPacingBetweenSends(t *testing.T) {
	f := newFakeSlack(t)
	a, _ := newTestAdapter(t, f, ModeSocket, newRecordingHandler())
	a.pacer = newPacer(time.Second)
	clock := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return clock }
	var s sleeps
	a.sleep = s.sleep
	for i := range 3 {
		if err := a.Send(context.Background(), bots.Outbound{ConversationKey: "D0ANNA", Reply: bots.Reply{Text: string(rune('a' + i))}}); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{0, time.Second, 2 * time.Second}
	for i := range want {
		if s.d[i] != want[i] {
			t.Fatalf("waits = %v, want %v", s.d, want)
		}
	}
}
