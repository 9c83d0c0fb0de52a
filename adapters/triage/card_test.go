// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"sync"
	"testing"
)

func TestClip(t *testing.T) {
	if got := clip("àèìòù", 3); got != "àè…" {
		t.Errorf("clip = %q", got)
	}
	if got := clip("abc", 3); got != "abc" {
		t.Errorf("clip = %q", got)
	}
	if got := oneLine(" a\n\tb  c "); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
}

// Two agents pressing Take at the same moment, on two instances: exactly
// one gets the conversation, the other is told who has it.
func TestSlackTriageTwoInstancesOneCardOneTake(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	v.agent("marco", "agent_l1", "", "U0MARCO", "")
	v.agent("giulia", "agent_l1", "", "U0GIULIA", "")
	a, b := newSlackSide(t, v, f), newSlackSide(t, v, f)
	// The second Slack adapter talks to the same workspace: each instance
	// has its own adapter and relay on the same database.
	ra := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack}, viaSlack(a.a))
	rb := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack}, viaSlack(b.a))

	var ids []int64
	for _, key := range []string{"tg-1", "tg-2", "tg-3"} {
		id, _ := v.queued(key)
		ids = append(ids, id)
	}
	for _, id := range ids {
		f.card(id)
	}
	settled(t, ra, rb) // several polls of both instances, each with its syncs done
	for _, id := range ids {
		if n := len(f.cards(id)); n != 1 {
			t.Fatalf("conversation %d: %d cards, want exactly 1", id, n)
		}
	}

	card := f.cards(ids[0])[0]
	var wg sync.WaitGroup
	for _, p := range []struct {
		side *slackSide
		user string
	}{{a, "U0MARCO"}, {b, "U0GIULIA"}} {
		wg.Add(1)
		go func() { defer wg.Done(); p.side.press(p.user, card, cardAction(VerbTake, ids[0])) }()
	}
	wg.Wait()
	eventually(t, "the loser is told who has it", func() bool {
		return f.countInThread(card.TS, "già in carico a Marco") == 1 || f.countInThread(card.TS, "già in carico a Giulia") == 1
	})
	c := v.conv(ids[0])
	if c.State != "agent" || c.AgentID == nil {
		t.Fatalf("state %s agent %v", c.State, c.AgentID)
	}
	var joined int
	for _, r := range v.mem.Replies("tg-1") {
		if strings.Contains(r.Reply.Text, "è entrato nella conversazione") {
			joined++
		}
	}
	if joined != 1 {
		t.Fatalf("the user was told %d times that an agent joined", joined)
	}
}

// settled waits until each relay has polled twice more and has no sync
// left: whatever those polls could have posted has been posted.
func settled(t *testing.T, relays ...*Relay) {
	t.Helper()
	for _, r := range relays {
		_, from := r.idle()
		eventually(t, "two more polls and no sync left", func() bool {
			idle, n := r.idle()
			return idle && n >= from+2
		})
	}
}
