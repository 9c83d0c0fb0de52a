// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"testing"
	"time"

	"helpdesk/internal/testwait"
)

// Handoffs are found by the notification alone (the poll is an hour
// away), and a handoff made while no relay ran is found at start by the
// catch-up; a console reply is mirrored into the thread.
func TestNotificationAndCatchUp(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	marco := v.agent("marco", "agent_l1", "", "U0MARCO", "")
	side := newSlackSide(t, v, f)
	before, _ := v.queued("tg-before")
	r := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack, PollInterval: time.Hour}, viaSlack(side.a))
	f.card(before)

	testwait.Closed(t, "the relay's LISTEN", r.Listening())
	after, _ := v.queued("tg-after")
	card := f.card(after)

	// The web console replies through the same engine operations.
	agent := agentOf(marco, "Marco", 1)
	if err := v.engine.Take(t.Context(), after, agent); err != nil {
		t.Fatal(err)
	}
	if err := v.engine.Reply(t.Context(), after, agent, "risposta scritta nella console"); err != nil {
		t.Fatal(err)
	}
	p := f.inThread(card.TS, "risposta scritta nella console")
	if !strings.Contains(p.all(), "Marco") {
		t.Fatalf("the mirrored reply does not name the agent: %q", p.all())
	}
}
