// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/bots"
)

// undelivering is a handoff whose replies are recorded but do not reach
// the user, as when the channel has no sender or the platform fails.
type undelivering struct {
	*fakeHandoff
	tc *testConsole
}

func (u undelivering) Reply(ctx context.Context, id int64, a bots.Agent, text string) error {
	u.tc.pool.MustExec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at, send_error)
		VALUES ($1, 'memory', 'out-undelivered', 'out', 'agent:1', $2, now(), 'no sender for channel "terminal"')`, id, text)
	return fmt.Errorf("%w: %w", bots.ErrNotDelivered, bots.ErrNoSender)
}

// TestUndeliveredReplyShown: the console never says "Risposta inviata" for
// a reply that did not reach the user — the flash says it was not
// delivered, and the history marks the message with the reason.
func TestUndeliveredReplyShown(t *testing.T) {
	t.Parallel()
	u := undelivering{fakeHandoff: &fakeHandoff{}}
	tc := newTestConsole(t, func(o *Options) { o.Handoff = &u })
	u.tc = tc
	s := seedConsole(t, tc)
	tc.addUser("anna", agents.RoleAgentL1)
	l1 := tc.login("anna")
	code, _, h := l1.post(fmt.Sprintf("/console/conversations/%d/reply", s.convID), url.Values{"text": {"Provi a riavviare."}})
	if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "flash=flash.undelivered") {
		t.Fatalf("reply = %d, Location %q; want the not-delivered flash", code, h.Get("Location"))
	}
	code, body, _ := l1.get(h.Get("Location"))
	if code != http.StatusOK {
		t.Fatalf("conversation page = %d", code)
	}
	for _, want := range []string{"NON consegnata", "Non ancora consegnato", "no sender for channel", "Provi a riavviare."} {
		if !strings.Contains(body, want) && !strings.Contains(body, strings.ReplaceAll(want, `"`, "&#34;")) {
			t.Errorf("conversation page lacks %q", want)
		}
	}
	if strings.Contains(body, "Risposta inviata") {
		t.Error("the page says the reply was sent")
	}
}
