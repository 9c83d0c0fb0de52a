package web

import (
	"fmt"
	"strings"
	"testing"
)

// TestConversationShowsUndelivered: a reply the platform refused for good
// is shown to the agent as not delivered, with the platform's reason; a
// delivered or pending reply carries no such mark.
func TestConversationShowsUndelivered(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, func(o *Options) { o.Handoff = &fakeHandoff{} })
	s := seedConsole(t, tc)
	tc.pool.MustExec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at, send_error, failed_at)
		VALUES ($1, 'memory', 'u1', 'out', 'bot', 'Risposta rifiutata', now(), '403 Forbidden: bot was blocked by the user', now()),
		       ($1, 'memory', 'u2', 'out', 'bot', 'Risposta in attesa', now(), '', NULL)`, s.convID)
	tc.addUser("anna", RoleAgentL1)
	c := tc.login("anna")
	for lang, want := range map[string]string{"it": "Non consegnato", "en": "Not delivered"} {
		code, body, _ := c.get(fmt.Sprintf("/console/conversations/%d/messages?lang=%s", s.convID, lang))
		if code != 200 || strings.Count(body, want) != 1 || !strings.Contains(body, "bot was blocked by the user") {
			t.Fatalf("%s: messages = %d, want one %q with the reason:\n%s", lang, code, want, body)
		}
	}
}

// TestResolveFormSaysNoteReachesRequester: the conversation's resolve
// form says the closing note is sent to the requester (the engine puts it
// in the resolution message).
func TestResolveFormSaysNoteReachesRequester(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, func(o *Options) { o.Handoff = &fakeHandoff{} })
	s := seedConsole(t, tc)
	anna := tc.addUser("anna", RoleAgentL1)
	tc.pool.MustExec(`UPDATE conversations SET state = 'agent', agent_id = $1 WHERE id = $2`, anna, s.convID)
	c := tc.login("anna")
	for lang, want := range map[string]string{"it": "Nota di chiusura (la riceve il richiedente)", "en": "Closure note (sent to the requester)"} {
		code, body, _ := c.get(fmt.Sprintf("/console/conversations/%d?lang=%s", s.convID, lang))
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("%s: conversation page = %d, lacks %q", lang, code, want)
		}
	}
}
