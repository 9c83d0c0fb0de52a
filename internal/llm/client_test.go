// SPDX-License-Identifier: EUPL-1.2

package llm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"helpdesk/internal/config"
	"helpdesk/internal/pii"
)

func TestChat(t *testing.T) {
	for _, stream := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "streaming"}[stream]
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			c := f.client(t, func(c *Config) { c.Stream = stream })
			got, err := c.Chat(context.Background(), "rules", "data")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, "Scolleghi il lettore") || !strings.HasSuffix(got, "[lettore-smartcard@1].") {
				t.Errorf("answer %q", got)
			}
			req := f.lastChat()
			if req.Stream != stream || req.Model != "test-chat" || systemMessage(req) != "rules" || userMessage(req) != "data" {
				t.Errorf("request %+v", req)
			}
			//lint:ignore SA1019 the test checks the field Ollama honours is sent
			maxTokens := req.MaxTokens
			if req.MaxCompletionTokens != 400 || maxTokens != 400 {
				t.Errorf("cap: max_completion_tokens %d, max_tokens %d, want 400 both", req.MaxCompletionTokens, maxTokens)
			}
		})
	}
}

// TestChatCapReasoningModel: a reasoning model gets only
// max_completion_tokens (go-openai refuses max_tokens for it).
func TestChatCapReasoningModel(t *testing.T) {
	req := openai.ChatCompletionRequest{Model: "o3-mini", MaxCompletionTokens: 300}
	capOldServers(&req)
	//lint:ignore SA1019 the test checks the deprecated field is left out
	maxTokens := req.MaxTokens
	if maxTokens != 0 || req.MaxCompletionTokens != 300 {
		t.Errorf("o3-mini: max_tokens %d, max_completion_tokens %d", maxTokens, req.MaxCompletionTokens)
	}
	req = openai.ChatCompletionRequest{Model: "llama3.1:8b", MaxCompletionTokens: 300}
	capOldServers(&req)
	//lint:ignore SA1019 the test checks the field Ollama honours is sent
	if maxTokens := req.MaxTokens; maxTokens != 300 {
		t.Errorf("llama3.1:8b: max_tokens %d, want 300", maxTokens)
	}
}

func TestChatFailures(t *testing.T) {
	tests := []struct {
		name   string
		status int
		delay  time.Duration
		want   error
	}{
		{"rate limited", http.StatusTooManyRequests, 0, ErrUnavailable},
		{"server error", http.StatusInternalServerError, 0, ErrUnavailable},
		{"bad gateway", http.StatusBadGateway, 0, ErrUnavailable},
		{"slow", 0, 5 * time.Second, ErrTimeout},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "", true: " streaming"}[stream], func(t *testing.T) {
				f := newFake(t)
				f.set(grounded, tt.status, tt.delay)
				c := f.client(t, func(c *Config) { c.Timeout = 150 * time.Millisecond; c.Stream = stream })
				start := time.Now()
				_, err := c.Chat(context.Background(), "rules", "data")
				if !errors.Is(err, tt.want) {
					t.Fatalf("err %v, want %v", err, tt.want)
				}
				if took := time.Since(start); took > 2*time.Second {
					t.Errorf("gave up after %s; the timeout is 150ms", took)
				}
			})
		}
	}
}

func TestCallerDeadlineIsHonoured(t *testing.T) {
	f := newFake(t)
	f.set(grounded, 0, 5*time.Second)
	c := f.client(t, nil) // 2s timeout, but the caller allows less
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Chat(ctx, "rules", "data"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	if time.Since(start) > time.Second {
		t.Error("the caller's deadline was not honoured")
	}
}

func TestBudgetStopsCalls(t *testing.T) {
	f := newFake(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	c := f.client(t, func(c *Config) { c.PerMinute = 2; c.Now = func() time.Time { return now } })
	ctx := context.Background()
	for i := range 2 {
		if _, err := c.Chat(ctx, "r", "d"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if _, err := c.Chat(ctx, "r", "d"); !errors.Is(err, ErrBudget) {
		t.Fatalf("third call in a minute: %v, want ErrBudget", err)
	}
	if _, err := c.Embed(ctx, []string{"x"}); !errors.Is(err, ErrBudget) {
		t.Fatalf("embedding over budget: %v, want ErrBudget", err)
	}
	if f.count() != 2 {
		t.Errorf("the endpoint saw %d calls; over-budget calls must not reach it", f.count())
	}
	now = now.Add(61 * time.Second)
	if _, err := c.Chat(ctx, "r", "d"); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

func TestDisabled(t *testing.T) {
	c, err := New(Config{Enabled: false, BaseURL: "http://127.0.0.1:1/v1", ChatModel: "m"})
	if err != nil || c != nil {
		t.Fatalf("New of a disabled config = %v, %v; want nil, nil", c, err)
	}
	ctx := context.Background()
	if _, err := c.Chat(ctx, "r", "d"); !errors.Is(err, ErrDisabled) {
		t.Errorf("nil client Chat: %v", err)
	}
	if _, err := c.Embed(ctx, []string{"x"}); !errors.Is(err, ErrDisabled) {
		t.Errorf("nil client Embed: %v", err)
	}
	if NewEmbedder(c) != nil {
		t.Error("a nil client must give no embedder")
	}
	if c.CanChat() || c.CanEmbed() || c.Logger() == nil || c.Mask("anna@example.org") != "anna@example.org" {
		t.Error("a nil client can do nothing, logs nowhere and masks nothing")
	}
	// Enabled with only an embedding model: no chat.
	f := newFake(t)
	ec := f.client(t, func(c *Config) { c.ChatModel = "" })
	if _, err := ec.Chat(ctx, "r", "d"); !errors.Is(err, ErrDisabled) || f.count() != 0 {
		t.Errorf("chat without a chat model: %v after %d calls", err, f.count())
	}
}

func TestEmbed(t *testing.T) {
	f := newFake(t)
	c := f.client(t, nil)
	in := []string{"il lettore non va, scrivete a anna.bianchi@example.org", "password scaduta"}
	vecs, err := c.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 2 || len(vecs[0]) != 64 {
		t.Fatalf("got %d vectors", len(vecs))
	}
	f.mu.Lock()
	sent := f.embeds[0]
	f.mu.Unlock()
	if strings.Contains(sent.Input[0], "anna.bianchi") || !strings.Contains(sent.Input[0], pii.MaskEmail) {
		t.Errorf("sent %q: the address must be masked", sent.Input[0])
	}
	if sent.Model != "test-embed" {
		t.Errorf("model %q", sent.Model)
	}
	if NewEmbedder(c).Model() != "test-embed" {
		t.Error("embedder model name")
	}
}

// The recorded response lists vectors out of order: they are placed by index.
func TestEmbedRecordedOrder(t *testing.T) {
	body, err := os.ReadFile("testdata/embeddings.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	c, err := New(Config{Enabled: true, BaseURL: srv.URL + "/v1", EmbeddingModel: "test-embed"})
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := c.Embed(context.Background(), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if vecs[0][0] != 0.6 || vecs[1][1] != 1 {
		t.Errorf("vectors %v not placed by index", vecs)
	}
	if _, err := c.Embed(context.Background(), []string{"a", "b", "c"}); !errors.Is(err, ErrBadResponse) {
		t.Errorf("2 vectors for 3 texts: %v, want ErrBadResponse", err)
	}
}

func TestConfigFrom(t *testing.T) {
	d := config.Default().LLM
	c := ConfigFrom(d)
	if c.Enabled || !c.MaskPersonalData || c.Timeout != d.Timeout || c.PerMinute != d.PerMinute || c.BaseURL != d.BaseURL {
		t.Errorf("ConfigFrom(defaults) = %+v", c)
	}
	if cl, err := New(c); cl != nil || err != nil {
		t.Error("the default configuration must give no client")
	}
}
