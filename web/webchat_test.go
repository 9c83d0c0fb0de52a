// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/testwait"
	"helpdesk/web/portal"
)

// chatVisitor is an anonymous visitor of the web chat over HTTP.
type chatVisitor struct {
	p     *portalServer
	c     *http.Client
	key   string
	after int64
	seq   int
}

func (p *portalServer) visitor() *chatVisitor {
	p.t.Helper()
	v := &chatVisitor{p: p, c: p.client()}
	code, body, _ := p.postForm(v.c, "/help/chat/start", nil)
	var d struct{ Key string }
	if code != 200 || json.Unmarshal([]byte(body), &d) != nil || d.Key == "" {
		p.t.Fatalf("start = %d %s", code, body)
	}
	v.key = d.Key
	return v
}

func (v *chatVisitor) send(msg map[string]string) int {
	v.p.t.Helper()
	if msg["id"] == "" {
		v.seq++
		msg["id"] = "m" + string(rune('a'+v.seq))
	}
	b, _ := json.Marshal(msg)
	req, _ := http.NewRequest(http.MethodPost, v.p.ts.URL+"/help/chat/send", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(portal.ChatKeyHeader, v.key)
	req.Header.Set("Accept-Language", "it")
	code, _, _ := v.p.do(v.c, req)
	return code
}

type polled struct {
	Messages []portal.ChatMessage
	State    string
}

// poll waits for messages after the last seen one.
func (v *chatVisitor) poll() polled {
	v.p.t.Helper()
	d, err := v.tryPoll()
	if err != nil {
		v.p.t.Fatal(err)
	}
	return d
}

// tryPoll is poll for another goroutine than the test's: it returns the
// failure instead of ending the test.
func (v *chatVisitor) tryPoll() (polled, error) {
	var d polled
	req, err := http.NewRequest(http.MethodGet, v.p.ts.URL+"/help/chat/poll?after="+itoa(v.after), nil)
	if err != nil {
		return d, err
	}
	req.Header.Set(portal.ChatKeyHeader, v.key)
	res, err := v.c.Do(req)
	if err != nil {
		return d, fmt.Errorf("poll: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return d, fmt.Errorf("poll: %w", err)
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &d) != nil {
		return d, fmt.Errorf("poll = %d %s", res.StatusCode, body)
	}
	for _, m := range d.Messages {
		v.after = max(v.after, m.ID)
	}
	return d, nil
}

// waitBot polls until a bot or agent message containing want arrives.
func (v *chatVisitor) wait(from, want string) portal.ChatMessage {
	v.p.t.Helper()
	deadline := testwait.Deadline(v.p.t)
	for time.Now().Before(deadline) {
		for _, m := range v.poll().Messages {
			if m.From == from && strings.Contains(m.HTML, want) {
				return m
			}
		}
	}
	v.p.t.Fatalf("no %s message with %q", from, want)
	return portal.ChatMessage{}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestWebChatAnswersFromTheKnowledgeBase(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	v := p.visitor()
	if code := v.send(map[string]string{"text": "la stampante non stampa"}); code != 200 {
		t.Fatalf("send = %d", code)
	}
	answer := v.wait("bot", "La stampante di rete non stampa")
	if len(answer.Buttons) == 0 {
		t.Fatalf("the answer has no buttons: %+v", answer)
	}
	// A page reload reads the whole history again, the visitor's own text too.
	saved := v.after
	v.after = 0
	hist := v.poll()
	if len(hist.Messages) < 2 || hist.Messages[0].From != "me" || hist.Messages[0].HTML != "la stampante non stampa" {
		t.Fatalf("history %+v", hist.Messages)
	}
	v.after = saved

	// Pressing a button goes back to the engine as its action.
	if code := v.send(map[string]string{"action": answer.Buttons[0].Action}); code != 200 {
		t.Fatalf("button = %d", code)
	}
	next := v.poll()
	if len(next.Messages) == 0 {
		t.Fatal("no reply to the button")
	}
	// The same message id again is a redelivery: no new reply.
	var before int
	if err := p.pool.Get(&before, `SELECT count(*) FROM messages WHERE channel = 'web'`); err != nil {
		t.Fatal(err)
	}
	v.send(map[string]string{"id": "dup1", "text": "grazie"})
	v.send(map[string]string{"id": "dup1", "text": "grazie"})
	var after int
	if err := p.pool.Get(&after, `SELECT count(*) FROM messages WHERE channel = 'web'`); err != nil {
		t.Fatal(err)
	}
	if after-before > 1+2 { // one inbound and at most a couple of replies, once
		t.Errorf("a repeated message id was handled twice (%d new rows)", after-before)
	}
}

func TestWebChatRefusesBadCalls(t *testing.T) {
	t.Parallel()
	p := newPortal(t, func(o *PublicOptions) { o.ChatPerAddress = 3 })
	v := p.visitor()
	good := v.key
	tests := []struct {
		name string
		key  string
		msg  map[string]string
		code int
	}{
		{"no key", "", map[string]string{"id": "a", "text": "ciao"}, 403},
		{"invented key", "not-a-key", map[string]string{"id": "a", "text": "ciao"}, 403},
		{"empty message", good, map[string]string{"id": "a"}, 400},
		{"bad id", good, map[string]string{"id": "a b", "text": "ciao"}, 400},
		{"too long", good, map[string]string{"id": "a", "text": strings.Repeat("x", bots.MaxTextBytes+1)}, 400},
		{"accepted 1", good, map[string]string{"id": "ok1", "text": "ciao"}, 200},
		{"accepted 2", good, map[string]string{"id": "ok2", "text": "ciao"}, 200},
		{"accepted 3", good, map[string]string{"id": "ok3", "text": "ciao"}, 200},
		{"rate limited", good, map[string]string{"id": "ok4", "text": "ciao"}, 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v.key = tt.key
			if code := v.send(tt.msg); code != tt.code {
				t.Fatalf("= %d, want %d", code, tt.code)
			}
		})
	}
	code, _, _ := p.get(v.c, "/help/chat/poll?after=0", portal.ChatKeyHeader, "short")
	if code != 403 {
		t.Errorf("poll with a bad key = %d", code)
	}
}

// hubSpy passes the engine through and keeps the web chat's sender, so a
// test can see when a visitor's poll is waiting on it.
type hubSpy struct {
	portal.ChatEngine
	hub interface{ Waiting(key string) bool } // the portal's chat sender
}

func (s *hubSpy) RegisterSender(channel string, snd bots.Sender) {
	if h, ok := snd.(interface{ Waiting(key string) bool }); ok {
		s.hub = h
	}
	s.ChatEngine.RegisterSender(channel, snd)
}

// waiting reports whether a poll on key is registered with the hub: from
// then on a reply wakes it (the wake channel keeps one signal).
func (s *hubSpy) waiting(key string) bool {
	return s.hub.Waiting(key)
}

func TestWebChatAgentRepliesLive(t *testing.T) {
	t.Parallel()
	spy := &hubSpy{}
	p := newPortal(t, func(o *PublicOptions) { spy.ChatEngine = o.Engine; o.Engine = spy })
	ctx := context.Background()
	v := p.visitor()
	for _, m := range []map[string]string{{"text": "voglio parlare con un operatore"},
		{"text": "Da stamattina il programma di cartella clinica si chiude da solo quando apro un paziente"},
		{"text": "Cartella clinica"}, {"action": "skip"}} {
		if code := v.send(m); code != 200 {
			t.Fatalf("send %v = %d", m, code)
		}
	}
	var convID int64
	var state string
	if err := p.pool.QueryRow(`SELECT id, state FROM conversations WHERE channel = 'web' AND conversation_key = $1`, v.key).Scan(&convID, &state); err != nil {
		t.Fatal(err)
	}
	if state != "queued" {
		t.Fatalf("conversation %s, want queued", state)
	}
	if st := v.poll().State; st != "queued" {
		t.Errorf("poll state %q", st)
	}
	users, err := agents.NewUsers(p.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := users.Add(ctx, agents.NewUser{Username: "laura", DisplayName: "Laura", Role: agents.RoleAgentL1, Password: "pw-laura-long-enough"})
	if err != nil {
		t.Fatal(err)
	}
	agent := bots.Agent{ID: id, Name: "Laura", Level: 1}
	if err := p.engine.Take(ctx, convID, agent); err != nil {
		t.Fatal(err)
	}
	// A poll is waiting when the agent writes: it returns with the reply.
	type result struct {
		d   polled
		at  time.Duration
		err error
	}
	got := make(chan result, 1)
	start := time.Now()
	pollCtx := testwait.Context(t)
	go func() {
		for pollCtx.Err() == nil {
			d, err := v.tryPoll()
			if err != nil {
				got <- result{err: err}
				return
			}
			for _, m := range d.Messages {
				if m.From == "agent" && strings.Contains(m.HTML, "Buongiorno, sono Laura") {
					got <- result{d, time.Since(start), nil}
					return
				}
			}
		}
	}()
	testwait.For(t, "the visitor's poll to wait", func() bool { return spy.waiting(v.key) })
	if err := p.engine.Reply(ctx, convID, agent, "Buongiorno, sono Laura: *riavvii* il programma, per favore."); err != nil {
		t.Fatal(err)
	}
	r := testwait.Recv(t, "the agent's reply to reach the visitor", got)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.d.State != "agent" {
		t.Errorf("state %q, want agent", r.d.State)
	}
	t.Logf("agent reply reached the waiting poll after %v", r.at)
}

func TestChatSnippetAndPages(t *testing.T) {
	t.Parallel()
	p := newPortal(t, func(o *PublicOptions) { o.ChatFrameAncestors = []string{"https://www.asl.example"} })
	c := p.client()
	code, body, h := p.get(c, "/help/chat.js")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "/help/chat/embed?lang=") {
		t.Fatalf("snippet = %d %s", code, h.Get("Content-Type"))
	}
	_, body, h = p.get(c, "/help/chat/embed?lang=en")
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors https://www.asl.example") || h.Get("X-Frame-Options") != "" {
		t.Errorf("the embed page must be framable by the configured site: %q", h.Get("Content-Security-Policy"))
	}
	if !strings.Contains(body, `class="embed"`) || !strings.Contains(body, "Describe your problem") {
		t.Errorf("embed page:\n%.500s", body)
	}
	_, _, h = p.get(c, "/help/chat")
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("the full chat page must not be framable")
	}
}
