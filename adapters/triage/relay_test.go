// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
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

// nowhere is a Poster New accepts; the configuration tests never run the
// relay, so it is never called.
type nowhere struct{}

func (nowhere) PostMessage(context.Context, string, string, bots.Reply) (string, error) {
	return "", errors.New("nowhere")
}
func (nowhere) Profile(context.Context, string) bots.User { return bots.User{} }

func TestNewRejectsBadConfig(t *testing.T) {
	v := newEnv(t)
	good := Config{Platform: PlatformSlack, ChannelID: "C1"}
	if _, err := New(good, v.engine, quietLog(), WithDB(v.pool), WithPoster(nowhere{})); err != nil {
		t.Fatalf("New(%+v) = %v", good, err)
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		eng  bots.AgentActions
		opts []Option
		want string
	}{
		{"unknown platform", Config{Platform: "teams", ChannelID: "C1"}, v.engine, []Option{WithDB(v.pool), WithPoster(nowhere{})}, `"teams" is unknown`},
		{"no chat", good, v.engine, []Option{WithDB(v.pool)}, "no chat"},
		{"no channel", Config{Platform: PlatformMattermost}, v.engine, []Option{WithDB(v.pool), WithPoster(nowhere{})}, "channel id is empty"},
		{"no database", good, v.engine, []Option{WithPoster(nowhere{})}, "no database"},
		{"no engine", good, nil, []Option{WithDB(v.pool), WithPoster(nowhere{})}, "no engine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, tc.eng, quietLog(), tc.opts...)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%+v) = %v, want ErrConfig saying %q", tc.cfg, err, tc.want)
			}
		})
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
	r := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack, PollInterval: time.Hour}, viaSlack(side.a))
	msg, known := r.explain(t.Context(), conv, agentOf(marco, "Marco", 1), "it", fmt.Errorf("%w: %w", bots.ErrNotDelivered, bots.ErrNoSender))
	if !known || !strings.Contains(msg, "NON consegnata") || !strings.Contains(msg, "no sender") {
		t.Fatalf("explain = %q (known %v)", msg, known)
	}
}
