// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
)

// pressAgain POSTs the callback of the button with action on p, as the
// Mattermost server does, and returns its answer without judging it.
func (d *desk) pressAgain(p *model.Post, action string) model.PostActionIntegrationResponse {
	d.t.Helper()
	atts, _ := p.GetProp(model.PostPropsAttachments).([]any)
	for _, att := range atts {
		raw, _ := json.Marshal(att)
		var sa model.MessageAttachment
		if err := json.Unmarshal(raw, &sa); err != nil {
			d.t.Fatal(err)
		}
		for _, act := range sa.Actions {
			if act.Integration == nil || bots.ActionOf(fmt.Sprint(act.Integration.Context["action"])) != action {
				continue
			}
			body, _ := json.Marshal(model.PostActionIntegrationRequest{UserId: d.user.Id, UserName: d.user.Username,
				ChannelId: p.ChannelId, PostId: p.Id, TriggerId: "trigger", Context: act.Integration.Context})
			resp, err := http.Post(act.Integration.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				d.t.Fatal(err)
			}
			defer resp.Body.Close()
			var answer model.PostActionIntegrationResponse
			if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&answer) != nil {
				d.t.Fatalf("callback answered %d", resp.StatusCode)
			}
			return answer
		}
	}
	d.t.Fatalf("no button %q on %q", action, p.Message)
	return model.PostActionIntegrationResponse{}
}

// TestDoubleAndStalePress: the same button pressed twice is one event
// (the second gets the same marked post and no second turn); a button of
// an older prompt changes nothing, is told the choice is no longer valid,
// and its post is not marked with a choice that was not made.
func TestDoubleAndStalePress(t *testing.T) {
	d := newDesk(t, true)
	d.write("ciao")
	menu := d.next()
	if !hasAction(menu, "menu:faq") {
		t.Fatalf("no menu: %q", menu.Message)
	}
	d.write("la VPN non si connette da casa, il client resta in attesa")
	answer := d.next()
	for !hasAction(answer, "fb:no") {
		answer = d.next()
	}
	d.press(answer, "fb:no")
	d.next() // what Non risolto led to
	before := len(d.f.createdPosts())
	again := d.pressAgain(answer, "fb:no")
	if again.Update == nil || !strings.Contains(fmt.Sprint(again.Update.GetProp(model.PostPropsAttachments)), "✓") {
		t.Fatalf("a second press should show the same choice: %+v", again)
	}
	time.Sleep(testwait.Quiet) // a wrong second turn gets a bounded while to show itself
	if n := len(d.f.createdPosts()); n != before {
		t.Fatalf("the second press made %d more posts", n-before)
	}

	stale := d.pressAgain(menu, "menu:faq")
	if stale.Update != nil {
		t.Fatalf("a stale press marked its post: %+v", stale.Update)
	}
	refusal := d.next()
	for d.seen < len(d.f.createdPosts()) && !strings.Contains(refusal.Message, "non è più valida") {
		refusal = d.next()
	}
	if !strings.Contains(refusal.Message, "non è più valida") {
		t.Fatalf("stale press answered %q", refusal.Message)
	}
}
