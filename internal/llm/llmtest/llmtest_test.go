// SPDX-License-Identifier: EUPL-1.2

package llmtest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"helpdesk/internal/llm"
)

// The fake plays answers, errors and delays through the production
// client, plain and streamed.
func TestServer(t *testing.T) {
	s := New(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		setup   func()
		stream  bool
		want    string
		wantErr error
	}{
		{"answer", func() { s.Answer("ciao") }, false, "ciao", nil},
		{"streamed answer", func() { s.Answer("è già così: perché?") }, true, "è già così: perché?", nil},
		{"by instructions", func() {
			s.AnswerWith(func(c Chat) string { return c.System + "/" + c.User })
		}, false, "sys/usr", nil},
		{"500", func() { s.Fail(http.StatusInternalServerError) }, false, "", llm.ErrUnavailable},
		{"429", func() { s.Fail(http.StatusTooManyRequests) }, false, "", llm.ErrUnavailable},
		{"slow", func() { s.Answer("tardi"); s.Delay(time.Second) }, false, "", llm.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			c := s.Client(t, func(cfg *llm.Config) { cfg.Stream = tt.stream; cfg.Timeout = 200 * time.Millisecond })
			got, err := c.Chat(ctx, "sys", "usr")
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Chat = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if n := len(s.Chats()); n != len(tests) {
		t.Errorf("%d chats recorded, want %d", n, len(tests))
	}
	if last := s.Chats()[len(tests)-1]; last.System != "sys" || last.User != "usr" || last.Model != "test-chat" {
		t.Errorf("last chat %+v", last)
	}
}
