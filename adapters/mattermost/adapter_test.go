// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNewRejectsConfigurationsThatCannotWork(t *testing.T) {
	h := &recorder{}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no URL", Config{Token: "t"}},
		{"URL without scheme", Config{URL: "chat.example.org", Token: "t"}},
		{"websocket URL", Config{URL: "wss://chat.example.org", Token: "t"}},
		{"no token", Config{URL: "https://chat.example.org"}},
		{"relative callback", Config{URL: "https://chat.example.org", Token: "t", CallbackURL: "/mattermost/actions", ActionSecret: testSecret}},
		{"callback without secret", Config{URL: "https://chat.example.org", Token: "t", CallbackURL: "https://hd.example.org/mattermost/actions"}},
		{"short secret", Config{URL: "https://chat.example.org", Token: "t", CallbackURL: "https://hd.example.org/mattermost/actions", ActionSecret: "short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, h, nil); !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
	if _, err := New(Config{URL: "https://chat.example.org/", Token: "t"}, nil, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("nil handler: %v", err)
	}
	a, err := New(Config{URL: "https://chat.example.org/", Token: "t"}, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.wsURL != "wss://chat.example.org" || a.client.APIURL != "https://chat.example.org/api/v4" {
		t.Errorf("ws %q api %q", a.wsURL, a.client.APIURL)
	}
}

func TestCheck(t *testing.T) {
	t.Run("bot token", func(t *testing.T) {
		f := newFakeServer(t)
		if err := newTestAdapter(t, f, &recorder{}, Config{}, nil).Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("rejected token", func(t *testing.T) {
		f := newFakeServer(t)
		a := newTestAdapter(t, f, &recorder{}, Config{}, nil)
		a.client.SetToken("nope")
		err := a.Check(context.Background())
		if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "Bot Accounts") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a person's token", func(t *testing.T) {
		f := newFakeServer(t)
		f.bot.IsBot = false
		err := newTestAdapter(t, f, &recorder{}, Config{}, nil).Check(context.Background())
		if err == nil || !strings.Contains(err.Error(), "not to a bot account") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unreachable server", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		a, err := New(Config{URL: url, Token: "t"}, &recorder{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot reach the server") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestMessagesInBothLanguages(t *testing.T) {
	if problems := mattermostText.Check(); len(problems) > 0 {
		t.Fatal(problems)
	}
}
