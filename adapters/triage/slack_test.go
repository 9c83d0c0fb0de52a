// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"helpdesk/adapters/slack"
)

const (
	slackSecret  = "0123456789abcdef0123456789abcdef"
	triageSlack  = "C0TRIAGE"
	slackBotUser = "U0HELPDESK"
)

// slackPost is one chat.postMessage call the fake received.
type slackPost struct {
	Channel, ThreadTS, TS, Text string
	Blocks                      []map[string]any
}

// values returns the values of the post's action buttons.
func (p slackPost) values() []string {
	var out []string
	for _, b := range p.Blocks {
		if b["type"] != "actions" {
			continue
		}
		for _, e := range b["elements"].([]any) {
			if v, ok := e.(map[string]any)["value"].(string); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// all is the post's text and the text of its sections.
func (p slackPost) all() string {
	parts := []string{p.Text}
	for _, b := range p.Blocks {
		if t, ok := b["text"].(map[string]any); ok {
			parts = append(parts, fmt.Sprint(t["text"]))
		}
	}
	return strings.Join(parts, "\n")
}

// fakeSlack is slack-go's slacktest server answering chat.postMessage
// (recorded, with a fresh ts each), users.info and auth.test.
type fakeSlack struct {
	t     *testing.T
	srv   *slacktest.Server
	mu    sync.Mutex
	posts []slackPost
	users map[string]string // user id → e-mail
	// cardDelay, set before the first post, is how long the answer to a
	// post at the top level of a channel (a card) takes after the post
	// is shown: a slow platform.
	cardDelay time.Duration
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{t: t, users: map[string]string{}}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", f.postMessage)
		c.Handle("/users.info", f.usersInfo)
		c.Handle("/auth.test", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, `{"ok":true,"team":"Desk","user":"helpdesk","team_id":"T0DESK","user_id":%q,"bot_id":"B0DESK"}`, slackBotUser)
		})
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	return f
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p := slackPost{Channel: r.Form.Get("channel"), ThreadTS: r.Form.Get("thread_ts"), Text: r.Form.Get("text")}
	if b := r.Form.Get("blocks"); b != "" {
		if err := json.Unmarshal([]byte(b), &p.Blocks); err != nil {
			f.t.Errorf("blocks are not JSON: %v", err)
		}
	}
	f.mu.Lock()
	p.TS = fmt.Sprintf("1764160000.%06d", len(f.posts)+1)
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	if p.ThreadTS == "" && f.cardDelay > 0 {
		time.Sleep(f.cardDelay) // a slow platform, not a wait: the test waits on posts
	}
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, p.Channel, p.TS)
}

func (f *fakeSlack) usersInfo(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id := r.Form.Get("user")
	f.mu.Lock()
	email, ok := f.users[id]
	f.mu.Unlock()
	if !ok {
		fmt.Fprint(w, `{"ok":false,"error":"user_not_found"}`)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":%q,"is_bot":false,"locale":"it-IT","profile":{"display_name":%q,"email":%q}}}`,
		id, strings.ToLower(id), id, email)
}

func (f *fakeSlack) addUser(id, email string) {
	f.mu.Lock()
	f.users[id] = email
	f.mu.Unlock()
}

func (f *fakeSlack) snapshot() []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slackPost(nil), f.posts...)
}

// cards returns the cards posted for a conversation.
func (f *fakeSlack) cards(convID int64) []slackPost {
	var out []slackPost
	for _, p := range f.snapshot() {
		if p.Channel == triageSlack && p.ThreadTS == "" && strings.Contains(strings.Join(p.values(), " "), cardAction(VerbTake, convID)) {
			out = append(out, p)
		}
	}
	return out
}

// card waits for the conversation's card.
func (f *fakeSlack) card(convID int64) slackPost {
	f.t.Helper()
	eventually(f.t, "a card is posted", func() bool { return len(f.cards(convID)) > 0 })
	return f.cards(convID)[0]
}

// inThread waits for a post in the thread containing s.
func (f *fakeSlack) inThread(thread, s string) slackPost {
	f.t.Helper()
	var got slackPost
	eventually(f.t, fmt.Sprintf("the thread shows %q", s), func() bool {
		for _, p := range f.snapshot() {
			if p.Channel == triageSlack && p.ThreadTS == thread && strings.Contains(p.all(), s) {
				got = p
				return true
			}
		}
		return false
	})
	return got
}

// countInThread counts the thread's posts containing s.
func (f *fakeSlack) countInThread(thread, s string) int {
	n := 0
	for _, p := range f.snapshot() {
		if p.ThreadTS == thread && strings.Contains(p.all(), s) {
			n++
		}
	}
	return n
}

// slackSide is one instance's Slack adapter in http mode, its routes
// served in process.
type slackSide struct {
	t   *testing.T
	a   *slack.Adapter
	mux *http.ServeMux
}

func newSlackSide(t *testing.T, v *env, f *fakeSlack) *slackSide {
	a, err := slack.New(slack.Config{Mode: slack.ModeHTTP, BotToken: "xoxb-test", SigningSecret: slackSecret,
		SendInterval: time.Millisecond}, v.engine, quietLog(), slack.WithAPIURL(f.srv.GetAPIURL()))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	run(t, a.Run)
	return &slackSide{t: t, a: a, mux: mux}
}

var slackSeq struct {
	sync.Mutex
	n int
}

func nextTS() string {
	slackSeq.Lock()
	defer slackSeq.Unlock()
	slackSeq.n++
	return fmt.Sprintf("1764170000.%06d", slackSeq.n)
}

// serve signs a request as Slack does and serves it.
func (s *slackSide) serve(path, contentType string, body []byte) {
	s.t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(slackSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		s.t.Fatalf("%s answered %d: %s", path, rec.Code, rec.Body)
	}
}

// write is a person writing in a thread of the triage channel.
func (s *slackSide) write(user, thread, text string) {
	s.t.Helper()
	s.writeAt(user, thread, text, nextTS())
}

// writeAt is write with the message's ts given: the same ts twice is
// Slack redelivering the event.
func (s *slackSide) writeAt(user, thread, text, ts string) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "Ev" + strings.ReplaceAll(ts, ".", ""),
		"team_id": "T0DESK", "event": map[string]any{"type": "message", "channel": triageSlack, "channel_type": "channel",
			"user": user, "text": text, "ts": ts, "thread_ts": thread}})
	s.serve(slack.EventsPath, "application/json", body)
}

// press is a person pressing a card's button (value).
func (s *slackSide) press(user string, card slackPost, value string) {
	s.t.Helper()
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"channel":   map[string]any{"id": triageSlack},
		"container": map[string]any{"type": "message", "channel_id": triageSlack, "message_ts": card.TS},
		"message":   map[string]any{"ts": card.TS},
		"actions":   []map[string]any{{"action_id": "hd-act-0", "type": "button", "value": value, "action_ts": nextTS()}}})
	s.serve(slack.InteractionsPath, "application/x-www-form-urlencoded", []byte("payload="+url.QueryEscape(string(payload))))
}
