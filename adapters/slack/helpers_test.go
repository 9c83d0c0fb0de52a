// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
)

const (
	testBotToken = "xoxb-test-bot-token"
	testAppToken = "xapp-test-app-token"
	testSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	botUser      = "UBOT"
)

// post is one chat.postMessage call as the fake Slack received it.
type post struct {
	Channel  string
	ThreadTS string
	Text     string
	Blocks   []map[string]any
	TS       string // what the fake answered
}

// buttons returns the action buttons' values of a posted message.
// value returns the raw value (with its prompt's number) of the button
// whose engine action is action, "" when there is none.
func (p post) value(action string) string {
	for _, b := range p.Blocks {
		if b["type"] != "actions" {
			continue
		}
		for _, e := range b["elements"].([]any) {
			if v, ok := e.(map[string]any)["value"].(string); ok && bots.ActionOf(v) == action {
				return v
			}
		}
	}
	return ""
}

func (p post) buttons() []string {
	var out []string
	for _, b := range p.Blocks {
		if b["type"] != "actions" {
			continue
		}
		for _, e := range b["elements"].([]any) {
			el := e.(map[string]any)
			if v, ok := el["value"].(string); ok && v != "" {
				out = append(out, bots.ActionOf(v))
			}
		}
	}
	return out
}

// body returns the mrkdwn of the message's sections.
func (p post) body() string {
	var parts []string
	for _, b := range p.Blocks {
		if b["type"] == "section" {
			parts = append(parts, b["text"].(map[string]any)["text"].(string))
		}
	}
	return strings.Join(parts, "\n")
}

// fakeSlack is slack-go's slacktest server with chat.postMessage,
// users.info and auth.test answered by a recorder, and every message
// our side writes on the Socket Mode connection (the acks) collected
// from SeenFeed.
type fakeSlack struct {
	t   *testing.T
	srv *slacktest.Server

	mu        sync.Mutex
	posts     []post
	limits    []int // Retry-After seconds to answer the next posts with, in order
	attempts  int
	acks      []string
	postCh    chan struct{}
	ackCh     chan struct{}
	updates   []post // chat.update calls, as received
	scopes    string
	authError string
	authed    chan struct{} // auth.test was called (Run has started)
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	f := &fakeSlack{t: t, postCh: make(chan struct{}, 100), ackCh: make(chan struct{}, 100), authed: make(chan struct{}, 1),
		scopes: "chat:write,im:history,app_mentions:read,users:read,users:read.email,channels:history,groups:history"}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", f.postMessage)
		c.Handle("/chat.update", f.updateMessage)
		c.Handle("/users.info", f.usersInfo)
		c.Handle("/auth.test", f.authTest)
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	go func() {
		for m := range f.srv.SeenFeed {
			var ack struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal([]byte(m), &ack) == nil && ack.EnvelopeID != "" {
				f.mu.Lock()
				f.acks = append(f.acks, ack.EnvelopeID)
				f.mu.Unlock()
				f.ackCh <- struct{}{}
			}
		}
	}()
	return f
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.attempts++
	if len(f.limits) > 0 {
		secs := f.limits[0]
		f.limits = f.limits[1:]
		f.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return
	}
	p := post{Channel: r.Form.Get("channel"), ThreadTS: r.Form.Get("thread_ts"), Text: r.Form.Get("text")}
	if b := r.Form.Get("blocks"); b != "" {
		if err := json.Unmarshal([]byte(b), &p.Blocks); err != nil {
			f.mu.Unlock()
			f.t.Errorf("blocks are not JSON: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	ts := fmt.Sprintf("1764160000.%06d", len(f.posts)+1)
	p.TS = ts
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	f.postCh <- struct{}{}
	_, _ = fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, p.Channel, ts)
}

// updateMessage answers chat.update as the Web API does: channel and ts
// name a message the bot posted (else message_not_found), text and/or
// blocks replace it, blocks as a JSON array.
func (f *fakeSlack) updateMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	u := post{Channel: r.Form.Get("channel"), TS: r.Form.Get("ts"), Text: r.Form.Get("text")}
	if b := r.Form.Get("blocks"); b != "" {
		if err := json.Unmarshal([]byte(b), &u.Blocks); err != nil {
			_, _ = w.Write([]byte(`{"ok":false,"error":"invalid_blocks"}`))
			return
		}
	}
	if u.Text == "" && len(u.Blocks) == 0 {
		_, _ = w.Write([]byte(`{"ok":false,"error":"no_text"}`))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if p.Channel == u.Channel && p.TS == u.TS {
			f.updates = append(f.updates, u)
			_, _ = fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q,"text":%q}`, u.Channel, u.TS, u.Text)
			return
		}
	}
	_, _ = w.Write([]byte(`{"ok":false,"error":"message_not_found"}`))
}

func (f *fakeSlack) updated() []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]post(nil), f.updates...)
}

func (f *fakeSlack) usersInfo(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	switch r.Form.Get("user") {
	case "U0ANNA":
		data, err := os.ReadFile(filepath.Join("testdata", "users_info_anna.json"))
		if err != nil {
			f.t.Error(err)
		}
		_, _ = w.Write(data)
	case "U0BOT2":
		_, _ = w.Write([]byte(`{"ok":true,"user":{"id":"U0BOT2","name":"other-bot","is_bot":true,"profile":{"real_name":"Other bot"}}}`))
	default:
		_, _ = w.Write([]byte(`{"ok":false,"error":"user_not_found"}`))
	}
}

func (f *fakeSlack) authTest(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	scopes, authErr := f.scopes, f.authError
	f.mu.Unlock()
	select {
	case f.authed <- struct{}{}:
	default:
	}
	w.Header().Set("X-OAuth-Scopes", scopes)
	if authErr != "" {
		_, _ = fmt.Fprintf(w, `{"ok":false,"error":%q}`, authErr)
		return
	}
	_, _ = fmt.Fprintf(w, `{"ok":true,"url":"https://helpdesk-demo.slack.invalid/","team":"Help desk","user":"helpdesk","team_id":"T0HELPDESK","user_id":%q,"bot_id":"B0HELPDESK"}`, botUser)
}

// waitPosts waits until n messages have been posted and returns them.
func (f *fakeSlack) waitPosts(n int) []post {
	f.t.Helper()
	deadline := time.After(time.Until(testwait.Deadline(f.t)))
	for {
		f.mu.Lock()
		got := append([]post(nil), f.posts...)
		f.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-f.postCh:
		case <-deadline:
			f.t.Fatalf("waited for %d posts, got %d: %+v", n, len(got), got)
		}
	}
}

func (f *fakeSlack) postCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts)
}

// waitAcks waits until every envelope id has been acknowledged.
func (f *fakeSlack) waitAcks(ids ...string) {
	f.t.Helper()
	deadline := time.After(time.Until(testwait.Deadline(f.t)))
	for {
		f.mu.Lock()
		seen := map[string]bool{}
		for _, a := range f.acks {
			seen[a] = true
		}
		f.mu.Unlock()
		missing := 0
		for _, id := range ids {
			if !seen[id] {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		select {
		case <-f.ackCh:
		case <-deadline:
			f.t.Fatalf("envelopes %v: %d not acknowledged", ids, missing)
		}
	}
}

// envelope wraps a payload as Slack sends it over Socket Mode.
func socketEnvelope(kind, id string, payload []byte, retry int) string {
	b, _ := json.Marshal(map[string]any{"envelope_id": id, "type": kind, "payload": json.RawMessage(payload),
		"accepts_response_payload": false, "retry_attempt": retry, "retry_reason": map[bool]string{true: "timeout"}[retry > 0]})
	return string(b)
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sign builds a request signed as Slack signs it, at time at.
func sign(t testing.TB, path string, body []byte, secret string, at time.Time) *http.Request {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	if strings.HasSuffix(path, "interactions") {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

func interactionForm(payload []byte) []byte {
	return []byte("payload=" + url.QueryEscape(string(payload)))
}

// recordingHandler stands in for the engine where a test looks at the
// adapter alone: it records what arrives and answers with the errors
// queued in errs, then nil.
type recordingHandler struct {
	mu   sync.Mutex
	ins  []bots.Inbound
	errs []error
	ch   chan bots.Inbound
}

func newRecordingHandler(errs ...error) *recordingHandler {
	return &recordingHandler{errs: errs, ch: make(chan bots.Inbound, 100)}
}

func (h *recordingHandler) Handle(_ context.Context, in bots.Inbound) (bots.Result, error) {
	h.mu.Lock()
	var err error
	if len(h.errs) > 0 {
		err, h.errs = h.errs[0], h.errs[1:]
	}
	h.ins = append(h.ins, in)
	h.mu.Unlock()
	h.ch <- in
	return bots.Result{}, err
}

func (h *recordingHandler) next(t *testing.T) bots.Inbound {
	t.Helper()
	return testwait.Recv(t, "an event at the handler", h.ch)
}

func (h *recordingHandler) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case in := <-h.ch:
		t.Fatalf("unexpected event reached the handler: %+v", in)
	case <-time.After(d):
	}
}

// logBuffer collects the adapter's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(io.MultiWriter(b), &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// newTestAdapter builds an adapter against the fake, with fast pacing.
func newTestAdapter(t *testing.T, f *fakeSlack, mode string, h Handler, opts ...Option) (*Adapter, *logBuffer) {
	t.Helper()
	log, buf := newTestLogger()
	cfg := Config{Mode: mode, BotToken: testBotToken, AppToken: testAppToken, SigningSecret: testSecret,
		SendInterval: 5 * time.Millisecond}
	opts = append([]Option{WithAPIURL(f.srv.GetAPIURL()), WithSocketPingInterval(time.Minute)}, opts...)
	a, err := New(cfg, h, log, opts...)
	if err != nil {
		t.Fatal(err)
	}
	a.retryBase = 20 * time.Millisecond
	return a, buf
}

// run starts the adapter until the test ends.
func run(t *testing.T, a *Adapter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-testwait.Expired(t):
			t.Error("Run did not return after cancel")
		}
	})
}
