// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
	"helpdesk/internal/testwait"
)

func TestInboxAndConversation(t *testing.T) {
	t.Parallel()
	fh := &fakeHandoff{}
	tc := newTestConsole(t, func(o *Options) { o.Handoff = fh })
	s := seedConsole(t, tc)
	var conv2 int64
	if err := tc.pool.Get(&conv2, `INSERT INTO conversations (channel, conversation_key, state, level, created_at, updated_at, last_message_at, context)
		VALUES ('memory', 'k2', 'queued', 2, now(), now(), now(), '{"query":"server giù"}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	tc.pool.MustExec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
		VALUES ($1, 'memory', 'm1', 'in', 'u1', 'la stampante non va', now()), ($1, 'memory', 'm2', 'out', 'bot', 'Hai provato a riavviarla?', now())`, s.convID)
	tc.addUser("anna", agents.RoleAgentL1)
	tc.addUser("luca", agents.RoleAgentL2)
	l1, l2 := tc.login("anna"), tc.login("luca")

	_, body, _ := l1.get("/console/inbox/list")
	if !strings.Contains(body, fmt.Sprintf(`data-conv="%d"`, s.convID)) || strings.Contains(body, fmt.Sprintf(`data-conv="%d"`, conv2)) {
		t.Fatalf("L1 inbox should list the level-1 conversation only:\n%s", body)
	}
	_, body, _ = l2.get("/console/inbox/list")
	if !strings.Contains(body, fmt.Sprintf(`data-conv="%d"`, conv2)) {
		t.Fatalf("L2 inbox lacks the level-2 conversation")
	}
	if code, _, _ := l1.get(fmt.Sprintf("/console/conversations/%d", conv2)); code != http.StatusForbidden {
		t.Fatalf("L1 opening a level-2 conversation = %d, want 403", code)
	}
	code, body, _ := l1.get(fmt.Sprintf("/console/conversations/%d?lang=en", s.convID))
	for _, want := range []string{"la stampante non va", "Hai provato a riavviarla?", `id="sum-query">la stampante non va<`, "Stampante <small>(stampante)</small>", `id="take"`} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("conversation page = %d, lacks %q", code, want)
		}
	}
	// Every action reaches the engine with the agent and the form's values.
	path := fmt.Sprintf("/console/conversations/%d/", s.convID)
	for _, a := range []struct {
		action string
		form   url.Values
		want   string
	}{
		{"take", nil, fmt.Sprintf("take %d ANNA", s.convID)},
		{"reply", url.Values{"text": {"Provo io"}}, "reply %d ANNA Provo io"},
		{"note", url.Values{"text": {"utente gentile"}}, "note %d ANNA utente gentile"},
		{"escalate", url.Values{"reason": {"serve il sistemista"}}, "escalate %d ANNA serve il sistemista"},
		{"route", url.Values{"org": {"Fornitore Srl"}, "email": {"help@fornitore.it"}}, "route %d ANNA Fornitore Srl help@fornitore.it"},
		{"handback", nil, "handback %d ANNA"},
		{"resolve", url.Values{"code": {"solved"}, "note": {"toner"}}, "resolve %d ANNA solved toner"},
	} {
		code, _, h := l1.post(path+a.action, a.form)
		if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "flash=flash.") {
			t.Fatalf("%s = %d", a.action, code)
		}
		want := a.want
		if strings.Contains(want, "%d") {
			want = fmt.Sprintf(want, s.convID)
		}
		if got := fh.calls[len(fh.calls)-1]; got != want {
			t.Fatalf("%s: engine got %q, want %q", a.action, got, want)
		}
	}
	// Required fields are checked before the engine is called.
	n := len(fh.calls)
	if code, _, _ := l1.post(path+"reply", url.Values{"text": {"  "}}); code != http.StatusBadRequest || len(fh.calls) != n {
		t.Fatalf("empty reply = %d", code)
	}
	// The closure code comes from the configured list, not free text.
	for _, bad := range []string{"", "fixed it", "SOLVED"} {
		if code, _, _ := l1.post(path+"resolve", url.Values{"code": {bad}}); code != http.StatusBadRequest || len(fh.calls) != n {
			t.Fatalf("resolve with code %q = %d, want 400 and no engine call", bad, code)
		}
	}
}

func TestInboxWithoutHandoff(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	s := seedConsole(t, tc)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	if code, _, _ := c.post(fmt.Sprintf("/console/conversations/%d/take", s.convID), nil); code != http.StatusServiceUnavailable {
		t.Fatalf("take without an engine = %d, want 503", code)
	}
}

// readEvents returns the data lines of the event stream as they come.
func readEvents(t *testing.T, c *client, ctx context.Context) <-chan string {
	req, _ := http.NewRequestWithContext(ctx, "GET", c.base+"/console/inbox/events", nil)
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan string, 16)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- d
			}
		}
	}()
	return out
}

func TestLiveEventsFromNotify(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := readEvents(t, c, ctx)
	// A NOTIFY sent before the hub's LISTEN is in place is lost, as
	// PostgreSQL documents: notify again until the stream carries it (the
	// hub's own test, web/console/live_test.go, waits on its LISTEN).
	testwait.For(t, "the event of the NOTIFY", func() bool {
		tc.pool.MustExec(`SELECT pg_notify('helpdesk_conversations', '4242')`)
		select {
		case got := <-events:
			if got != "4242" && got != "refresh" {
				t.Fatalf("event %q, want 4242", got)
			}
			return got == "4242"
		default:
			return false
		}
	})
}

func TestEventStreamFollowsSession(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, func(o *Options) {
		o.Session = agents.SessionOptions{Idle: 30 * time.Minute}
		o.SessionRecheck = 50 * time.Millisecond
	})
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := readEvents(t, c, ctx)
	// An open inbox keeps the session alive past the idle limit.
	for i := 0; i < 3; i++ {
		tc.clock.Advance(20 * time.Minute)
		// Wait for the stream's recheck to mark the session as used now.
		testwait.For(t, fmt.Sprintf("step %d: the open stream to keep the session alive", i), func() bool {
			var seen time.Time
			if err := tc.pool.Get(&seen, `SELECT last_seen_at FROM console_sessions`); err != nil {
				t.Fatal(err)
			}
			return seen.Equal(tc.clock.Now())
		})
	}
	if code, _, _ := c.get("/console/inbox"); code != 200 {
		t.Fatalf("after 60 minutes with the inbox open = %d, want 200", code)
	}
	// Logging out elsewhere ends the stream with a logout event.
	if code, _, _ := c.post("/console/logout", nil); code != http.StatusSeeOther {
		t.Fatalf("logout = %d", code)
	}
	if got := testwait.Recv(t, "the stream to end with the session", events); got != "expired" {
		t.Fatalf("event %q, want expired", got)
	}
}
