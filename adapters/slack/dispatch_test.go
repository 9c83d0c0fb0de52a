// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"errors"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
)

// The engine's refusals: a text too long is answered with a request to
// split it (in the user's language), an invalid event is dropped, an
// unexpected error is logged and the user told, and every case leaves
// the adapter running.
func TestEngineErrors(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler(bots.ErrTooLong, bots.ErrInvalidInbound, errors.New("boom"))
	a, logs := newTestAdapter(t, f, ModeHTTP, h)
	run(t, a)
	msg := fixture(t, "events/message_im.json")
	for i := range 4 {
		body := strings.ReplaceAll(string(msg), "1764151200.000100", "1764151200.00020"+string(rune('0'+i)))
		if w := serve(a, sign(t, EventsPath, []byte(body), testSecret, time.Now())); w.Code != 200 {
			t.Fatalf("event %d: status %d", i, w.Code)
		}
		h.next(t)
	}
	posts := f.waitPosts(2)
	if posts[0].Text != escape(slackText.T("it", "too.long")) || posts[0].Channel != "D0ANNA" {
		t.Errorf("too-long notice = %+v", posts[0])
	}
	if posts[1].Text != escape(slackText.T("it", "error.internal")) {
		t.Errorf("error notice = %+v", posts[1])
	}
	for _, want := range []string{"event dropped", "engine failed on an event"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

func TestWaiter(t *testing.T) {
	w := newWaiter()
	if !w.give(errors.New("x")) || w.await(time.Second) == nil {
		t.Fatal("answer lost")
	}
	w = newWaiter()
	if err := w.await(10 * time.Millisecond); err != nil {
		t.Fatalf("timeout gave %v", err)
	}
	if w.give(errors.New("late")) {
		t.Fatal("a late answer was taken by a request that stopped waiting")
	}
	var none *waiter
	if none.give(nil) {
		t.Fatal("nil waiter took an answer")
	}
}

func TestCachesAndSets(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	ts := newThreadSet(time.Hour, 2)
	ts.add("C1/1.1", t0)
	ts.add("C1/2.2", t0)
	ts.add("C1/3.3", t0.Add(time.Minute)) // over the cap: room is made
	if !ts.has("C1/3.3", t0.Add(time.Minute)) || len(ts.m) > 2 {
		t.Errorf("thread set = %v", ts.m)
	}
	if ts.has("C1/3.3", t0.Add(2*time.Hour)) {
		t.Error("expired thread still followed")
	}

	rs := newRecentSet(2)
	rs.add("a")
	rs.add("b")
	rs.add("c")
	if rs.has("a") || !rs.has("b") || !rs.has("c") {
		t.Errorf("recent set = %v", rs.m)
	}

	for locale, want := range map[string]string{"it-IT": "it", "en-GB": "en", "EN-us": "en", "de-DE": "", "": ""} {
		if got := langOf(locale); got != want {
			t.Errorf("langOf(%q) = %q", locale, got)
		}
	}
}

func TestUserCache(t *testing.T) {
	f := newFakeSlack(t)
	a, logs := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
	clock := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return clock }
	u, person := a.users.lookup(t.Context(), a, "U0ANNA")
	if !person || u != (bots.User{ID: "U0ANNA", Name: "Anna", Email: "anna.rossi@example.org", Lang: "it"}) {
		t.Fatalf("user = %+v", u)
	}
	f.srv.Stop() // from now on only the cache can answer
	if u2, _ := a.users.lookup(t.Context(), a, "U0ANNA"); u2 != u {
		t.Fatalf("cached user = %+v", u2)
	}
	clock = clock.Add(2 * time.Hour) // past the TTL: asks again, fails, goes on with the id
	if u3, person := a.users.lookup(t.Context(), a, "U0ANNA"); u3 != (bots.User{ID: "U0ANNA"}) || !person {
		t.Fatalf("after failure = %+v", u3)
	}
	if !strings.Contains(logs.String(), "users.info failed") {
		t.Error("failure not logged")
	}
}
