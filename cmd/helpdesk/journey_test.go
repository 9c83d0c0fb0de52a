// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"helpdesk/bots"
	"helpdesk/bots/journey"
)

var updateJourney = flag.Bool("update", false, "rewrite the journey's golden transcript")

// printed is the terminal's output, one entry per reply printed.
type printed struct {
	mu      sync.Mutex
	replies []bots.Reply
	out     strings.Builder
}

func (p *printed) Send(ctx context.Context, o bots.Outbound) error {
	p.mu.Lock()
	p.replies = append(p.replies, o.Reply)
	p.mu.Unlock()
	return nil
}

// termJourney is a user at `helpdesk chat`: lines typed into the
// terminal channel's code (a number presses a button of the last ones
// printed), replies printed by it.
type termJourney struct {
	eng  *bots.Engine
	term *terminal
	rec  *printed
	seq  int
}

func (j *termJourney) Name() string { return "terminal" }

func (j *termJourney) Write(t *testing.T, text string) {
	t.Helper()
	j.seq++
	in := j.term.inbound(fmt.Sprintf("journey-%d", j.seq), "terminal:anna", bots.User{ID: "anna", Name: "anna"}, text)
	if _, err := j.eng.Handle(context.Background(), in); err != nil {
		t.Fatalf("Handle(%q): %v", text, err)
	}
}

// Press types the number of the button: only the last buttons printed
// can be pressed on a terminal, so a stale press is the action as an
// older prompt numbered it, typed as the chat would send it.
func (j *termJourney) Press(t *testing.T, action string, oldest bool) {
	t.Helper()
	j.term.mu.Lock()
	live := j.term.buttons
	j.term.mu.Unlock()
	if !oldest {
		for i, b := range live {
			if bots.ActionOf(b.Action) == action {
				j.Write(t, strconv.Itoa(i+1))
				return
			}
		}
	}
	for _, r := range j.rec.all() {
		for _, b := range r.Buttons {
			if bots.ActionOf(b.Action) == action {
				j.seq++
				in := bots.Inbound{Channel: "terminal", ExternalID: fmt.Sprintf("journey-%d", j.seq), ConversationKey: "terminal:anna",
					User: bots.User{ID: "anna", Name: "anna"}, Action: b.Action}
				if _, err := j.eng.Handle(context.Background(), in); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	}
	t.Fatalf("no button %q was ever printed", action)
}

func (p *printed) all() []bots.Reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]bots.Reply(nil), p.replies...)
}

func (j *termJourney) Shown() []journey.Shown {
	var out []journey.Shown
	for _, r := range j.rec.all() {
		s := journey.Shown{Text: strings.Trim(renderTerminal(bots.Reply{Text: r.Text, Links: r.Links, Media: r.Media}), "\n")}
		for i, b := range r.Buttons {
			s.Buttons = append(s.Buttons, journey.Button{Label: fmt.Sprintf("%d %s", i+1, b.Label), Action: b.Action})
		}
		out = append(out, s)
	}
	return out
}

// teeSender prints through the terminal and keeps each reply for Shown.
type teeSender struct {
	term *terminal
	rec  *printed
}

func (s teeSender) Send(ctx context.Context, o bots.Outbound) error {
	if err := s.term.Send(ctx, o); err != nil {
		return err
	}
	return s.rec.Send(ctx, o)
}

// TestJourney plays the one scripted journey through the terminal
// channel's own code (the sender that prints, numbered buttons read back
// from typed lines); the transcript is testdata/journeys/terminal.golden
// (go test -run TestJourney -update). The agent's replies reach the
// terminal through its sender here; from another process they come by
// DeliverPending (TestChatPrintsTheAgentsReply).
func TestJourney(t *testing.T) {
	desk := journey.NewDesk(t, "../../content/kb")
	rec := &printed{}
	term := &terminal{out: &rec.out}
	desk.Engine.RegisterSender("terminal", teeSender{term: term, rec: rec})
	journey.Run(t, &termJourney{eng: desk.Engine, term: term, rec: rec}, desk, *updateJourney)
}
