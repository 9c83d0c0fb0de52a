// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
)

// noSleep records the waits the adapter asks for instead of sleeping.
func noSleep(a *Adapter) *[]time.Duration {
	var waits []time.Duration
	a.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return &waits
}

func TestSendToDirectChannel(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
	a := newTestAdapter(t, f, &recorder{}, Config{}, nil)
	out := bots.Outbound{MessageID: 7, ExternalID: "out:3:0", Channel: "mattermost", ConversationKey: dmKey(alice.Id),
		Reply: bots.Reply{Text: "Ho aperto la segnalazione **HD-2026-000001**."}}
	for i := 0; i < 2; i++ { // the second send reuses the cached direct channel
		if err := a.Send(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	}
	posts := f.createdPosts()
	if len(posts) != 2 {
		t.Fatalf("%d posts", len(posts))
	}
	p := posts[0]
	f.mu.Lock()
	dm := f.channels[alice.Id]
	f.mu.Unlock()
	if p.ChannelId != dm || p.RootId != "" {
		t.Errorf("posted to %q root %q, want the direct channel %q", p.ChannelId, p.RootId, dm)
	}
	if p.Message != "Ho aperto la segnalazione **HD-2026-000001**." {
		t.Errorf("message %q", p.Message)
	}
	if p.PendingPostId != f.bot.Id+":out:3:0" {
		t.Errorf("pending_post_id %q", p.PendingPostId)
	}
}

func TestSendToThread(t *testing.T) {
	f := newFakeServer(t)
	a := newTestAdapter(t, f, &recorder{}, Config{}, nil)
	ch, root := model.NewId(), model.NewId()
	if err := a.Send(context.Background(), bots.Outbound{ConversationKey: threadKey(ch, root), Reply: bots.Reply{Text: "ok"}}); err != nil {
		t.Fatal(err)
	}
	p := f.createdPosts()[0]
	if p.ChannelId != ch || p.RootId != root {
		t.Errorf("posted to %q root %q", p.ChannelId, p.RootId)
	}
	if err := a.Send(context.Background(), bots.Outbound{ConversationKey: "telegram:42", Reply: bots.Reply{Text: "x"}}); err == nil {
		t.Error("a key of another channel was accepted")
	}
}

func TestSendWaitsOutRateLimitAndDeliversOnce(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
	a := newTestAdapter(t, f, &recorder{}, Config{}, nil)
	waits := noSleep(a)
	f.throttle = 1
	if err := a.Send(context.Background(), bots.Outbound{ExternalID: "out:1:0", ConversationKey: dmKey(alice.Id), Reply: bots.Reply{Text: "ciao"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.createdPosts()); n != 1 || f.throttled != 1 {
		t.Fatalf("%d posts after %d refusals, want 1 after 1", n, f.throttled)
	}
	if len(*waits) != 1 || (*waits)[0] != time.Second {
		t.Errorf("waits %v, want the server's Retry-After of 1s", *waits)
	}
}

func TestSendGivesUpOnLongRateLimit(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
	a := newTestAdapter(t, f, &recorder{}, Config{MaxRetryWait: 2 * time.Second}, nil)
	waits := noSleep(a)
	f.throttle = 10
	err := a.Send(context.Background(), bots.Outbound{ConversationKey: dmKey(alice.Id), Reply: bots.Reply{Text: "ciao"}})
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want ErrRateLimited (so that the engine retries later)", err)
	}
	if len(*waits) != 2 || len(f.createdPosts()) != 0 {
		t.Errorf("waited %v and posted %d", *waits, len(f.createdPosts()))
	}
}

func TestSendFailsOnRejectedToken(t *testing.T) {
	f := newFakeServer(t)
	a := newTestAdapter(t, f, &recorder{}, Config{}, nil)
	a.client.SetToken("wrong")
	err := a.Send(context.Background(), bots.Outbound{ConversationKey: dmKey(model.NewId()), Reply: bots.Reply{Text: "x"}})
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"3", 3 * time.Second},
		{"0", 0},
		{"", time.Second},
		{"soon", time.Second},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			h := http.Header{}
			h.Set("Retry-After", tt.header)
			if got := retryAfter(h, now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
