// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	ctx := context.Background()
	hook := "https://desk.example.org/telegram/webhook"
	tests := []struct {
		name    string
		cfg     Config
		webhook string // what Telegram has registered
		wantErr error
		wantMsg string
	}{
		{name: "polling, no webhook", cfg: Config{}},
		{name: "polling with a webhook set", cfg: Config{}, webhook: hook, wantErr: ErrWebhookSet, wantMsg: "deleteWebhook"},
		{name: "wrong token", cfg: Config{Token: "123456789:revoked"}, wantErr: ErrBadToken, wantMsg: "@BotFather"},
		{name: "webhook registered as configured", cfg: Config{Mode: ModeWebhook, WebhookSecret: testSecret, WebhookURL: hook}, webhook: hook},
		{name: "webhook elsewhere", cfg: Config{Mode: ModeWebhook, WebhookSecret: testSecret, WebhookURL: hook}, webhook: "https://old.example.org/hook", wantMsg: "points to"},
		{name: "webhook mode, nothing registered", cfg: Config{Mode: ModeWebhook, WebhookSecret: testSecret}, wantMsg: "no webhook is registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t)
			api.setWebhookURL(tt.webhook)
			tt.cfg.APIURL = api.URL()
			a := newTestAdapter(t, tt.cfg, nil)
			err := a.Check(ctx)
			if tt.wantErr == nil && tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Check passed")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v, want it to say %q", err, tt.wantMsg)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		a := newTestAdapter(t, Config{}, nil) // points at a closed port
		if err := a.Check(ctx); err == nil || !strings.Contains(err.Error(), "cannot reach") {
			t.Fatalf("err = %v", err)
		}
	})
}
