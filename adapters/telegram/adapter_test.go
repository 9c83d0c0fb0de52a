// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"errors"
	"strings"
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

// TestWebhookScheme: a plain http:// webhook is accepted only when the
// Bot API server that posts to it is on loopback, on a private address or
// declared private; https:// is always accepted, other schemes never.
func TestWebhookScheme(t *testing.T) {
	const plain = "http://127.0.0.1:8080/telegram/webhook"
	tests := []struct {
		name    string
		webhook string
		api     string
		private bool
		ok      bool
	}{
		{"https webhook, Telegram", "https://desk.example.org/telegram/webhook", "https://api.telegram.org", false, true},
		{"no webhook address", "", "https://api.telegram.org", false, true},
		{"loopback v4", plain, "http://127.0.0.1:8081", false, true},
		{"loopback v4 other", plain, "http://127.8.9.10:8081", false, true},
		{"loopback v6", plain, "http://[::1]:8081", false, true},
		{"localhost", plain, "http://localhost:8081", false, true},
		{"RFC 1918 10/8", plain, "http://10.1.2.3:8081", false, true},
		{"RFC 1918 172.16/12", plain, "http://172.31.255.1", false, true},
		{"RFC 1918 192.168/16", plain, "https://192.168.1.20:8081", false, true},
		{"unique-local v6", plain, "http://[fd12:3456::1]:8081", false, true},
		{"v4-mapped private", plain, "http://[::ffff:10.0.0.1]:8081", false, true},
		{"name declared private", plain, "http://botapi.internal:8081", true, true},
		{"Telegram", plain, "https://api.telegram.org", false, false},
		{"Telegram even if declared private", plain, "https://api.telegram.org", true, false},
		{"Telegram upper case", plain, "https://API.Telegram.org", false, false},
		{"name not declared", plain, "http://botapi.internal:8081", false, false},
		{"public host", plain, "https://botapi.example.com", false, false},
		{"public v4", plain, "http://8.8.8.8:8081", false, false},
		{"just outside 172.16/12", plain, "http://172.32.0.1", false, false},
		{"public v6", plain, "http://[2001:db8::1]:8081", false, false},
		{"link-local", plain, "http://169.254.1.1", false, false},
		{"no host", plain, "http://", false, false},
		{"unparsable api", plain, "http://[::1", false, false},
		{"ftp webhook", "ftp://desk/hook", "http://127.0.0.1:8081", false, false},
		{"schemeless webhook", "desk/hook", "http://127.0.0.1:8081", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkWebhookScheme(tt.webhook, tt.api, tt.private)
			if tt.ok != (err == nil) {
				t.Fatalf("webhook %q api %q private %v: err = %v, want ok=%v", tt.webhook, tt.api, tt.private, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("err = %v, not ErrConfig", err)
			}
		})
	}
	// The refusal says what to do.
	err := checkWebhookScheme(plain, "http://botapi.internal:8081", false)
	if err == nil || !strings.Contains(err.Error(), "channels.telegram.private_api: true") || !strings.Contains(err.Error(), "https://") {
		t.Errorf("refusal does not say what to do: %v", err)
	}
	// New applies the rule.
	cfg := Config{Token: testToken, Mode: ModeWebhook, WebhookSecret: "x", WebhookURL: plain, APIURL: "http://botapi.internal:8081", PrivateAPI: true}
	if _, err := New(cfg, &recordingHandler{}, quietLog()); err != nil {
		t.Errorf("declared private server refused by New: %v", err)
	}
	cfg.PrivateAPI = false
	if _, err := New(cfg, &recordingHandler{}, quietLog()); !errors.Is(err, ErrConfig) {
		t.Errorf("undeclared named server accepted by New: %v", err)
	}
}
