// SPDX-License-Identifier: EUPL-1.2

package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"helpdesk/kb"
)

// fakeOpenAI is an httptest server that speaks the OpenAI wire format:
// POST /v1/chat/completions (plain JSON, or server-sent events when the
// request asks to stream) and POST /v1/embeddings. Answers are the
// recorded envelopes under testdata with the content chosen by the test.
type fakeOpenAI struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	answer   string        // content of the next chat answers
	status   int           // non-zero: answer with this error status
	delay    time.Duration // wait this long (or until the client gives up)
	chats    []openai.ChatCompletionRequest
	embeds   []openai.EmbeddingRequestStrings
	requests int
}

// grounded is the answer of the recorded envelopes under testdata (the
// prompts' own answers are the assist package's).
const grounded = "Scolleghi il lettore e lo ricolleghi a una porta USB diversa, poi riavvii il programma [lettore-smartcard@1]."

func newFake(t *testing.T) *fakeOpenAI {
	f := &fakeOpenAI{t: t, answer: grounded}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", f.chat)
	mux.HandleFunc("POST /v1/embeddings", f.embeddings)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOpenAI) set(answer string, status int, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer, f.status, f.delay = answer, status, delay
}

func (f *fakeOpenAI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *fakeOpenAI) lastChat() openai.ChatCompletionRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.chats) == 0 {
		f.t.Fatal("no chat request received")
	}
	return f.chats[len(f.chats)-1]
}

// begin records the request and plays the configured failure; it reports
// whether the handler should go on answering.
func (f *fakeOpenAI) begin(w http.ResponseWriter, r *http.Request, into any) (answer string, ok bool) {
	if r.Header.Get("Authorization") != "Bearer test-key" {
		http.Error(w, `{"error":{"message":"bad key","type":"invalid_request_error"}}`, http.StatusUnauthorized)
		return "", false
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, into); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return "", false
	}
	f.mu.Lock()
	f.requests++
	answer, status, delay := f.answer, f.status, f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return "", false
		}
	}
	if status != 0 {
		file := "testdata/error_500.json"
		if status == http.StatusTooManyRequests {
			file = "testdata/error_429.json"
			w.Header().Set("Retry-After", "20")
		}
		b, _ := os.ReadFile(file)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
		return "", false
	}
	return answer, true
}

func (f *fakeOpenAI) chat(w http.ResponseWriter, r *http.Request) {
	var req openai.ChatCompletionRequest
	answer, ok := f.begin(w, r, &req)
	if !ok {
		return
	}
	f.mu.Lock()
	f.chats = append(f.chats, req)
	f.mu.Unlock()
	if req.Stream {
		// The recorded stream splits its answer over chunks; other
		// answers are cut in three the same way.
		w.Header().Set("Content-Type", "text/event-stream")
		if answer == grounded {
			b, _ := os.ReadFile("testdata/chat_stream_grounded.sse")
			w.Write(b)
			return
		}
		n := len(answer) / 3
		for _, part := range []string{answer[:n], answer[n : 2*n], answer[2*n:]} {
			chunk := map[string]any{"id": "chatcmpl-f", "object": "chat.completion.chunk", "model": req.Model,
				"choices": []any{map[string]any{"index": 0, "delta": map[string]string{"content": part}}}}
			b, _ := json.Marshal(chunk)
			fmt.Fprintf(w, "data: %s\n\n", b)
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
		return
	}
	var resp map[string]any
	b, _ := os.ReadFile("testdata/chat_grounded.json")
	json.Unmarshal(b, &resp)
	resp["model"] = req.Model
	resp["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"] = answer
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// embeddings answers with the hash stand-in's vectors, in reverse order
// of index (as servers may), so the client must place them by index.
func (f *fakeOpenAI) embeddings(w http.ResponseWriter, r *http.Request) {
	var req openai.EmbeddingRequestStrings
	if _, ok := f.begin(w, r, &req); !ok {
		return
	}
	f.mu.Lock()
	f.embeds = append(f.embeds, req)
	f.mu.Unlock()
	vecs, _ := kb.HashEmbedder{Dims: 64}.Embed(context.Background(), req.Input)
	var data []map[string]any
	for i := len(vecs) - 1; i >= 0; i-- {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": vecs[i]})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
}

// client builds a production client pointed at the fake.
func (f *fakeOpenAI) client(t *testing.T, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{Enabled: true, BaseURL: f.srv.URL + "/v1", APIKey: "test-key", ChatModel: "test-chat",
		EmbeddingModel: "test-embed", Timeout: 2 * time.Second, MaskPersonalData: true}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// userMessage is the text of the user message of a chat request.
func userMessage(req openai.ChatCompletionRequest) string {
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleUser {
			return m.Content
		}
	}
	return ""
}

func systemMessage(req openai.ChatCompletionRequest) string {
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleSystem {
			return m.Content
		}
	}
	return ""
}

var _ = strings.Contains
