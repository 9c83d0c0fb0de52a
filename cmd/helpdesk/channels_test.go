// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/config"
)

// attrCounter is a slog handler that notes every logger made from it
// whose attributes name channel= more than once.
type attrCounter struct {
	attrs []slog.Attr
	mu    *sync.Mutex
	twice *[]string
}

func (h attrCounter) Enabled(context.Context, slog.Level) bool  { return true }
func (h attrCounter) Handle(context.Context, slog.Record) error { return nil }
func (h attrCounter) WithGroup(string) slog.Handler             { return h }
func (h attrCounter) WithAttrs(as []slog.Attr) slog.Handler {
	all := append(append([]slog.Attr{}, h.attrs...), as...)
	n := 0
	for _, a := range all {
		if a.Key == "channel" {
			n++
		}
	}
	if n > 1 {
		h.mu.Lock()
		*h.twice = append(*h.twice, slog.GroupValue(all...).String())
		h.mu.Unlock()
	}
	return attrCounter{attrs: all, mu: h.mu, twice: h.twice}
}

// TestBuildChannelsSettings: every channel is built from the documented
// settings (the new ones included), and each adapter's log lines carry
// channel= once.
func TestBuildChannelsSettings(t *testing.T) {
	cfg := config.Default()
	c := &cfg.Channels
	c.Slack = config.Slack{Enabled: true, Mode: "socket", BotToken: "xoxb-1", AppToken: "xapp-1",
		APIURL: "https://slack.example.gov/api", SendInterval: 2 * time.Second, MaxRateLimitWait: time.Minute}
	c.Telegram = config.Telegram{Enabled: true, Mode: "webhook", Token: "123456:AAtoken", WebhookSecret: "s3cret",
		WebhookURL: "http://127.0.0.1:8080/tg", APIURL: "http://127.0.0.1:8081", WebhookPath: "/tg",
		PollTimeout: 20 * time.Second, Workers: 2, MaxRetryWait: 5 * time.Second}
	c.Mattermost = config.Mattermost{Enabled: true, URL: "http://127.0.0.1:8065", Token: "tok", IgnoreMentions: true,
		MaxRetryWait: time.Second}
	c.Email.Enabled, c.Email.FromAddress, c.Email.SMTPAddr = true, "desk@example.org", "127.0.0.1:25"
	c.Email.DisableIdle, c.Email.ProcessedKeyword, c.Email.MessageIDDomain = true, "$Done", "mail.example.org"
	c.Email.MaxAttachmentBytes, c.Email.MaxMessageBytes, c.Email.Timeout = 1000, 2000, 10*time.Second

	var twice []string
	log := slog.New(attrCounter{mu: &sync.Mutex{}, twice: &twice})
	chans, err := buildChannels(cfg, noEngine{}, nil, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != 4 {
		t.Fatalf("%d channels built", len(chans))
	}
	if len(twice) > 0 {
		t.Fatalf("loggers naming channel= twice: %v", twice)
	}

	// Settings the adapters refuse are refused at build time, with the
	// channel named.
	bad := cfg
	bad.Channels.Telegram.APIURL = "" // Telegram's own server: no plain-http webhook
	if _, err := buildChannels(bad, noEngine{}, nil, log, nil); err == nil {
		t.Error("a plain-http webhook with Telegram's own server was accepted")
	}
	bad = cfg
	bad.Channels.Telegram.APIURL = "http://botapi.internal:8081" // a name: private only when declared
	if _, err := buildChannels(bad, noEngine{}, nil, log, nil); err == nil {
		t.Error("a plain-http webhook with an undeclared named Bot API server was accepted")
	}
	bad.Channels.Telegram.PrivateAPI = true
	if _, err := buildChannels(bad, noEngine{}, nil, log, nil); err != nil {
		t.Errorf("private_api not passed to the adapter: %v", err)
	}
	bad = cfg
	bad.Channels.Email.CAFile = "/nonexistent/ca.pem"
	if _, err := buildChannels(bad, noEngine{}, nil, log, nil); err == nil {
		t.Error("a missing CA file was accepted")
	}
}
