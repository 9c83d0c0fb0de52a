// SPDX-License-Identifier: EUPL-1.2

// Package llmtest is a fake OpenAI-compatible endpoint for the tests of
// packages that use the language model (the web console, say): it speaks
// the chat-completions wire format, plain and streamed, and plays the
// answer, the error status or the delay the test sets. The llm package's
// own tests keep their fuller fake (recorded envelopes, embeddings).
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/llm"
)

// Key is the API key the fake expects; other keys get 401.
const Key = "llmtest-key"

// Chat is one chat request as the fake received it.
type Chat struct {
	Model, System, User string
	Messages            int // how many messages the request carried
}

// Server is the fake endpoint.
type Server struct {
	srv *httptest.Server

	mu     sync.Mutex
	answer func(Chat) string
	status int
	delay  time.Duration
	chats  []Chat
}

// New starts a fake that answers every chat with "OK" until told
// otherwise; it stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{answer: func(Chat) string { return "OK" }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// BaseURL is the endpoint's base URL, up to and including /v1.
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// Answer makes every chat answer text, successfully.
func (s *Server) Answer(text string) { s.AnswerWith(func(Chat) string { return text }) }

// AnswerWith makes every chat answer what fn returns for it (a test
// serving several features tells them apart by their instructions).
func (s *Server) AnswerWith(fn func(Chat) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer, s.status = fn, 0
}

// Fail makes every request answer with the HTTP status (500, 429 …) and
// an OpenAI-style error body; 0 goes back to answering.
func (s *Server) Fail(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

// Delay makes every request wait d before answering (or until the client
// gives up, whichever comes first).
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Chats returns the chat requests received so far, oldest first.
func (s *Server) Chats() []Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Chat(nil), s.chats...)
}

// Config is a client configuration pointed at the fake: enabled, chat
// model "test-chat", a 2 s timeout, personal data masked.
func (s *Server) Config() llm.Config {
	return llm.Config{Enabled: true, BaseURL: s.BaseURL(), APIKey: Key, ChatModel: "test-chat",
		Timeout: 2 * time.Second, MaskPersonalData: true}
}

// Client builds the production client on Config, adjusted by mod (may be
// nil).
func (s *Server) Client(t testing.TB, mod func(*llm.Config)) *llm.Client {
	t.Helper()
	cfg := s.Config()
	if mod != nil {
		mod(&cfg)
	}
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type chatRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+Key {
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "incorrect API key")
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	c := Chat{Model: req.Model, Messages: len(req.Messages)}
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			c.System = m.Content
		case "user":
			c.User = m.Content
		}
	}
	s.mu.Lock()
	s.chats = append(s.chats, c)
	answer, status, delay := s.answer, s.status, s.delay
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 {
		kind := "server_error"
		if status == http.StatusTooManyRequests {
			kind = "rate_limit_exceeded"
			w.Header().Set("Retry-After", "20")
		}
		writeError(w, status, kind, http.StatusText(status))
		return
	}
	text := answer(c)
	if req.Stream {
		w.Header().Set("Content-Type", "text/event-stream")
		runes := []rune(text) // cut between characters, never inside one
		n := len(runes) / 2
		for _, part := range []string{string(runes[:n]), string(runes[n:])} {
			b, _ := json.Marshal(map[string]any{"id": "chatcmpl-llmtest", "object": "chat.completion.chunk", "model": req.Model,
				"choices": []any{map[string]any{"index": 0, "delta": map[string]string{"content": part}}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-llmtest", "object": "chat.completion", "created": 1764000000, "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]string{"role": "assistant", "content": text}}},
		"usage": map[string]int{"prompt_tokens": len(c.System+c.User) / 4, "completion_tokens": len(text) / 4,
			"total_tokens": (len(c.System+c.User) + len(text)) / 4},
	})
}

func writeError(w http.ResponseWriter, status int, kind, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": kind, "param": nil, "code": nil}})
}
