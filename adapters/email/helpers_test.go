// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"

	"helpdesk/bots"
)

// quietLog discards logs unless EMAIL_TEST_LOG is set.
func quietLog() *slog.Logger {
	if os.Getenv("EMAIL_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// recordingHandler stands in for the engine where a test is about the
// adapter alone.
type recordingHandler struct {
	mu    sync.Mutex
	mails []bots.Mail
	ins   []bots.Inbound
	err   error // returned by HandleMail while set
}

func (h *recordingHandler) HandleMail(_ context.Context, m bots.Mail) (bots.MailResult, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return bots.MailResult{}, h.err
	}
	h.mails = append(h.mails, m)
	return bots.MailResult{TicketNumber: "HD-2026-000001", Created: true}, nil
}

func (h *recordingHandler) Handle(_ context.Context, in bots.Inbound) (bots.Result, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ins = append(h.ins, in)
	return bots.Result{}, nil
}

func (h *recordingHandler) got() []bots.Mail {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bots.Mail(nil), h.mails...)
}

func newTestAdapter(t testing.TB, cfg Config, h Handler, opts ...Option) *Adapter {
	t.Helper()
	if cfg.FromAddress == "" {
		cfg.FromAddress = "helpdesk@asl.example"
	}
	if cfg.FromName == "" {
		cfg.FromName = "Help desk ASL"
	}
	if cfg.SMTPAddr == "" {
		cfg.SMTPAddr = "127.0.0.1:1" // nothing listens: a test that sends must start a server
	}
	if h == nil {
		h = &recordingHandler{}
	}
	a, err := New(cfg, h, quietLog(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
