// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/testwait"
)

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // part of the error; "" for none
	}{
		{"socket ok", Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, ""},
		{"http ok", Config{Mode: ModeHTTP, BotToken: "xoxb-1", SigningSecret: "s"}, ""},
		{"no bot token", Config{AppToken: "xapp-1"}, "bot token is missing"},
		{"user token", Config{BotToken: "xoxp-1", AppToken: "xapp-1"}, "does not start with xoxb-"},
		{"socket without app token", Config{BotToken: "xoxb-1"}, "app-level token"},
		{"app token swapped", Config{BotToken: "xoxb-1", AppToken: "xoxb-2"}, "does not start with xapp-"},
		{"http without secret", Config{Mode: ModeHTTP, BotToken: "xoxb-1"}, "signing secret"},
		{"unknown mode", Config{Mode: "rtm", BotToken: "xoxb-1"}, `mode "rtm"`},
		{"negative duration", Config{BotToken: "xoxb-1", AppToken: "xapp-1", SendInterval: -time.Second}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.cfg, newRecordingHandler(), nil)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if a.cfg.SendInterval != time.Second || a.cfg.MaxRateLimitWait != 30*time.Second || a.Mode() == "" {
					t.Errorf("defaults not applied: %+v", a.cfg)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrConfig with %q", err, tt.want)
			}
		})
	}
	if _, err := New(Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, nil, nil); err == nil {
		t.Error("nil handler accepted")
	}
}

func TestCheck(t *testing.T) {
	t.Run("all good", func(t *testing.T) {
		f := newFakeSlack(t)
		a, _ := newTestAdapter(t, f, ModeSocket, newRecordingHandler())
		if err := a.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		if id, _ := a.botUserID(context.Background()); id != botUser {
			t.Errorf("bot user = %q", id)
		}
	})
	t.Run("missing scopes", func(t *testing.T) {
		f := newFakeSlack(t)
		f.scopes = "chat:write,users:read"
		a, logs := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
		err := a.Check(context.Background())
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "im:history, app_mentions:read") {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(logs.String(), "users:read.email") {
			t.Error("missing optional scope not warned about")
		}
	})
	t.Run("refused token", func(t *testing.T) {
		f := newFakeSlack(t)
		f.authError = "invalid_auth"
		a, _ := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
		err := a.Check(context.Background())
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "does not recognise the bot token") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("revoked token", func(t *testing.T) {
		f := newFakeSlack(t)
		f.authError = "token_revoked"
		a, _ := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
		if err := a.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "reinstall the app") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no server", func(t *testing.T) {
		f := newFakeSlack(t)
		a, _ := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
		f.srv.Stop()
		if err := a.Check(context.Background()); !errors.Is(err, ErrConfig) {
			t.Fatalf("err = %v", err)
		}
	})
}

// Run returns when its context ends, in both modes.
func TestRunStops(t *testing.T) {
	for _, mode := range []string{ModeSocket, ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			f := newFakeSlack(t)
			a, _ := newTestAdapter(t, f, mode, newRecordingHandler())
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- a.Run(ctx) }()
			testwait.Recv(t, "Run asking auth.test", f.authed)
			cancel()
			if err := testwait.Recv(t, "Run to return", done); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A socket mode whose app token is refused keeps retrying rather than
// giving up, and says why in the log.
func TestSocketModeRetriesRefusedToken(t *testing.T) {
	f := newFakeSlack(t)
	a, logs := newTestAdapter(t, f, ModeSocket, newRecordingHandler(), WithAPIURL(f.srv.GetAPIURL()+"nowhere/"))
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if err := a.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "socket mode stopped; reconnecting") {
		t.Fatalf("no reconnection logged:\n%s", logs)
	}
}
