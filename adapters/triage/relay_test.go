// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
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
	r := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack, PollInterval: time.Hour}, WithSlack(side.a))
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

func TestNewRejectsBadConfig(t *testing.T) {
	v := newEnv(t)
	for _, cfg := range []Config{
		{Platform: "teams", ChannelID: "C1"},
		{Platform: PlatformSlack, ChannelID: "C1"},     // no Slack adapter
		{Platform: PlatformMattermost, ChannelID: "x"}, // no Mattermost adapter
		{Platform: PlatformSlack},
	} {
		if _, err := New(cfg, v.engine, quietLog(), WithDB(v.pool)); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", cfg, err)
		}
	}
}

func TestLink(t *testing.T) {
	v := newEnv(t)
	v.agent("marco", "agent_l1", "", "", "")
	ctx := t.Context()
	if err := Link(ctx, v.pool, "marco", PlatformSlack, "U0MARCO"); err != nil {
		t.Fatal(err)
	}
	if err := Link(ctx, v.pool, "marco", PlatformMattermost, "mm-marco"); err != nil {
		t.Fatal(err)
	}
	var s, m *string
	if err := v.pool.QueryRow(`SELECT slack_user_id, mattermost_user_id FROM users WHERE username = 'marco'`).Scan(&s, &m); err != nil {
		t.Fatal(err)
	}
	if s == nil || *s != "U0MARCO" || m == nil || *m != "mm-marco" {
		t.Fatalf("linked %v %v", s, m)
	}
	if err := Link(ctx, v.pool, "marco", PlatformSlack, ""); err != nil {
		t.Fatal(err)
	}
	if err := v.pool.QueryRow(`SELECT slack_user_id FROM users WHERE username = 'marco'`).Scan(&s); err != nil || s != nil {
		t.Fatalf("cleared: %v %v", s, err)
	}
	if err := Link(ctx, v.pool, "nobody", PlatformSlack, "U1"); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("unknown user: %v", err)
	}
	if err := Link(ctx, v.pool, "marco", "teams", "U1"); !errors.Is(err, ErrConfig) {
		t.Fatalf("unknown platform: %v", err)
	}
}

// TestExplainUndelivered: a reply written in the thread that did not
// reach the user is said so in the thread — recorded, retried, not
// delivered — rather than as a failed command.
func TestExplainUndelivered(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	marco := v.agent("marco", "agent_l1", "", "U0MARCO", "")
	side := newSlackSide(t, v, f)
	conv, _ := v.queued("tg-undelivered")
	r := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack, PollInterval: time.Hour}, WithSlack(side.a))
	msg, known := r.explain(t.Context(), conv, agentOf(marco, "Marco", 1), "it", fmt.Errorf("%w: %w", bots.ErrNotDelivered, bots.ErrNoSender))
	if !known || !strings.Contains(msg, "NON consegnata") || !strings.Contains(msg, "no sender") {
		t.Fatalf("explain = %q (known %v)", msg, known)
	}
}
