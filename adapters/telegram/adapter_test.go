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
		{"webhook over http to Telegram's own server", Config{Token: testToken, Mode: ModeWebhook, WebhookSecret: "x",
			WebhookURL: "http://desk/hook", APIURL: "https://api.telegram.org/"}},
		{"webhook over ftp", Config{Token: testToken, Mode: ModeWebhook, WebhookSecret: "x",
			WebhookURL: "ftp://desk/hook", APIURL: "http://127.0.0.1:8081"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, &recordingHandler{}, quietLog()); !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
}

// TestNewAcceptsPlainWebhookForPrivateBotAPI: a self-hosted Bot API server
// (on loopback or the private network) may post to a plain http:// webhook.
func TestNewAcceptsPlainWebhookForPrivateBotAPI(t *testing.T) {
	for _, api := range []string{"http://127.0.0.1:8081", "http://botapi.internal:8081"} {
		cfg := Config{Token: testToken, Mode: ModeWebhook, WebhookSecret: "x", WebhookURL: "http://127.0.0.1:8080/telegram/webhook", APIURL: api}
		if _, err := New(cfg, &recordingHandler{}, quietLog()); err != nil {
			t.Errorf("api %s: %v", api, err)
		}
	}
}
