package telegram

import (
	"errors"
	"testing"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no token", Config{}},
		{"token without id", Config{Token: "abc:def"}},
		{"unknown mode", Config{Token: testToken, Mode: "push"}},
		{"webhook without secret", Config{Token: testToken, Mode: ModeWebhook}},
		{"secret with bad characters", Config{Token: testToken, Mode: ModeWebhook, WebhookSecret: "a b"}},
		{"webhook over http", Config{Token: testToken, Mode: ModeWebhook, WebhookSecret: "x", WebhookURL: "http://desk/hook"}},
		{"relative path", Config{Token: testToken, WebhookPath: "hook"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, &recordingHandler{}, quietLog()); !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
}
