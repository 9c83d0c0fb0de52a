// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"helpdesk/bots/journey"
)

// slackJourney is the user's Slack client against slacktest in Socket
// Mode: messages and presses arrive as envelopes, replies are the
// chat.postMessage calls the fake recorded.
type slackJourney struct {
	f   *fakeSlack
	mu  sync.Mutex
	seq int
}

func (j *slackJourney) Name() string { return Channel }

func (j *slackJourney) next() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	return j.seq
}

func (j *slackJourney) Write(t *testing.T, text string) {
	t.Helper()
	n := j.next()
	var w map[string]any
	if err := json.Unmarshal(fixture(t, "events/message_im.json"), &w); err != nil {
		t.Fatal(err)
	}
	ts := fmt.Sprintf("1764152%03d.000100", n)
	ev := w["event"].(map[string]any)
	ev["text"], ev["ts"], ev["event_ts"], ev["client_msg_id"] = text, ts, ts, fmt.Sprintf("journey-%d", n)
	w["event_id"] = fmt.Sprintf("EvJOURNEY%04d", n)
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	j.f.srv.SendToWebsocket(socketEnvelope("events_api", fmt.Sprintf("j-%d", n), b, 0))
}

func (j *slackJourney) Press(t *testing.T, action string, oldest bool) {
	t.Helper()
	j.f.mu.Lock()
	posts := append([]post(nil), j.f.posts...)
	j.f.mu.Unlock()
	for k := range posts {
		i := len(posts) - 1 - k
		if oldest {
			i = k
		}
		if v := posts[i].value(action); v != "" {
			n := j.next()
			j.f.srv.SendToWebsocket(socketEnvelope("interactive", fmt.Sprintf("j-%d", n),
				pressOn(t, posts[i], v, fmt.Sprintf("1764153%03d.000200", n)), 0))
			return
		}
	}
	t.Fatalf("no button %q was ever shown", action)
}

func (j *slackJourney) Shown() []journey.Shown {
	j.f.mu.Lock()
	posts := append([]post(nil), j.f.posts...)
	j.f.mu.Unlock()
	var out []journey.Shown
	for _, p := range posts {
		s := journey.Shown{Text: p.body()}
		if s.Text == "" {
			s.Text = p.Text
		}
		for _, b := range p.Blocks {
			if b["type"] != "actions" {
				continue
			}
			for _, e := range b["elements"].([]any) {
				el := e.(map[string]any)
				label, _ := el["text"].(map[string]any)["text"].(string)
				if v, _ := el["value"].(string); v != "" {
					s.Buttons = append(s.Buttons, journey.Button{Label: label, Action: v})
				} else if u, _ := el["url"].(string); u != "" {
					s.Text += "\n(link) " + label + " " + u
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// TestJourney plays the one scripted journey through slacktest (Socket
// Mode) and the production adapter; the transcript is
// testdata/journeys/slack.golden (go test -run TestJourney -update).
func TestJourney(t *testing.T) {
	desk := journey.NewDesk(t, "../../content/kb")
	f := newFakeSlack(t)
	a, _ := newTestAdapter(t, f, ModeSocket, desk.Engine)
	desk.Engine.RegisterSender(Channel, a)
	run(t, a)
	journey.Run(t, &slackJourney{f: f}, desk, *update)
}
