// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"encoding/json"
	"flag"
	"fmt"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots/journey"
)

var updateJourney = flag.Bool("update", false, "rewrite the journey's golden transcript")

// mmJourney is the user's Mattermost client against the fake server:
// direct messages over the WebSocket, button presses as the server's
// integration callbacks.
type mmJourney struct{ d *desk }

func (j *mmJourney) Name() string { return Channel }

func (j *mmJourney) Write(t *testing.T, text string) { j.d.write(text) }

// RepeatedPressIsOneEvent: the callback names the post, the user and the
// action, so a second press of one button is the same event.
func (j *mmJourney) RepeatedPressIsOneEvent() bool { return true }

func (j *mmJourney) Press(t *testing.T, action string, oldest bool) {
	t.Helper()
	posts := j.d.f.createdPosts()
	for k := range posts {
		i := len(posts) - 1 - k
		if oldest {
			i = k
		}
		if hasAction(posts[i], action) {
			resp := j.d.pressAgain(posts[i], action)
			if resp.EphemeralText != "" {
				t.Fatalf("press answered with an error: %q", resp.EphemeralText)
			}
			return
		}
	}
	t.Fatalf("no button %q was ever shown", action)
}

func (j *mmJourney) Shown() []journey.Shown {
	var out []journey.Shown
	for _, p := range j.d.f.createdPosts() {
		s := journey.Shown{Text: p.Message}
		atts, _ := p.GetProp(model.PostPropsAttachments).([]any)
		for _, att := range atts {
			raw, _ := json.Marshal(att)
			var sa model.MessageAttachment
			if json.Unmarshal(raw, &sa) != nil {
				continue
			}
			if sa.Text != "" {
				s.Text += "\n" + sa.Text
			}
			for _, act := range sa.Actions {
				if act.Integration != nil {
					s.Buttons = append(s.Buttons, journey.Button{Label: act.Name, Action: fmt.Sprint(act.Integration.Context["action"])})
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// TestJourney plays the one scripted journey through the fake Mattermost
// server (WebSocket, REST, integration callbacks) and the production
// adapter; the transcript is testdata/journeys/mattermost.golden (go test
// -run TestJourney -update).
func TestJourney(t *testing.T) {
	desk := journey.NewDesk(t, "../../content/kb")
	d := newDeskOn(t, desk.Engine, desk.DB, true)
	journey.Run(t, &mmJourney{d: d}, desk, *updateJourney)
}
