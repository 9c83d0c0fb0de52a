// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"helpdesk/bots"
)

// testToken is shaped like a real token; the fake accepts only it.
const testToken = "123456789:AAH-fake_token_for_tests"

// recordingHandler stands in for the engine where a test is about the
// adapter alone.
type recordingHandler struct {
	in    chan bots.Inbound
	err   func(bots.Inbound) error
	calls atomic.Int32
}

func (h *recordingHandler) Handle(_ context.Context, in bots.Inbound) (bots.Result, error) {
	h.calls.Add(1)
	if h.err != nil {
		if err := h.err(in); err != nil {
			return bots.Result{}, err
		}
	}
	if h.in != nil {
		h.in <- in
	}
	return bots.Result{}, nil
}

func newTestAdapter(t *testing.T, cfg Config, h Handler, opts ...Option) *Adapter {
	t.Helper()
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	if h == nil {
		h = &recordingHandler{}
	}
	if cfg.APIURL == "" {
		cfg.APIURL = "http://127.0.0.1:1" // nothing listens: a test that calls out must set a fake
	}
	a, err := New(cfg, h, quietLog(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func asRateLimited(err error, target **rateLimited) bool {
	return errors.As(err, target)
}
