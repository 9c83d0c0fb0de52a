// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"helpdesk/internal/llm"
	"helpdesk/internal/llm/llmtest"
)

// answers are what a model might say, good and bad, keyed by the case.
var answers = func() map[string]string {
	b, err := os.ReadFile("testdata/model_answers.json")
	if err != nil {
		panic(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}()

// fakeModel is llmtest's endpoint (the chat-completions wire format,
// plain and streamed) seen the way these tests drive it.
type fakeModel struct {
	t   *testing.T
	srv *llmtest.Server
}

// newFake starts an endpoint answering the grounded answer.
func newFake(t *testing.T) *fakeModel {
	f := &fakeModel{t: t, srv: llmtest.New(t)}
	f.srv.Answer(answers["grounded"])
	return f
}

// set makes the next chats answer answer, fail with status (0: none)
// after waiting delay (or until the client gives up).
func (f *fakeModel) set(answer string, status int, delay time.Duration) {
	f.srv.Answer(answer)
	f.srv.Fail(status)
	f.srv.Delay(delay)
}

func (f *fakeModel) count() int { return len(f.srv.Chats()) }

func (f *fakeModel) lastChat() llmtest.Chat {
	f.t.Helper()
	chats := f.srv.Chats()
	if len(chats) == 0 {
		f.t.Fatal("no chat request received")
	}
	return chats[len(chats)-1]
}

// client is the production client pointed at the fake.
func (f *fakeModel) client(t *testing.T, mod func(*llm.Config)) *llm.Client {
	return f.srv.Client(t, mod)
}

// Without a chat model every feature answers llm.ErrDisabled, and the
// callers show what they show without a model.
func TestDisabled(t *testing.T) {
	ctx := context.Background()
	var c *llm.Client
	if NewComposer(c) != nil {
		t.Error("a nil client must give no composer")
	}
	if _, _, err := (*Composer)(nil).Compose(ctx, "q", "it", nil); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("nil composer: %v", err)
	}
	if _, err := NewSummariser(c).Summarise(ctx, "it", summaryFixture(), nil); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("summariser: %v", err)
	}
	if _, err := NewReplySuggester(c).Suggest(ctx, "it", nil, nil); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("suggester: %v", err)
	}
	if _, err := NewFAQDrafter(c).Draft(ctx, ResolvedTicket{}); !errors.Is(err, llm.ErrDisabled) {
		t.Errorf("drafter: %v", err)
	}
	// Enabled with no chat model (embeddings only): the same.
	f := newFake(t)
	ec := f.client(t, func(c *llm.Config) { c.ChatModel = "" })
	if NewComposer(ec) != nil {
		t.Error("a client without a chat model must give no composer")
	}
	if _, err := NewSummariser(ec).Summarise(ctx, "it", summaryFixture(), nil); !errors.Is(err, llm.ErrDisabled) || f.count() != 0 {
		t.Errorf("summariser without a chat model: %v after %d calls", err, f.count())
	}
}
