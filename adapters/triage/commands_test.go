// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
)

// The refusal of an unknown closure code names the codes with their
// labels in the agent's language.
func TestClosureRefusal(t *testing.T) {
	cc := bots.ClosureCodes{{Code: "solved", IT: "Risolto", EN: "Solved"}, {Code: "duplicate", IT: "Duplicato", EN: "Duplicate"}}
	for _, tt := range []struct{ lang, want string }{
		{"it", "⛔ «fixed» non è un codice di chiusura di questo servizio: nulla è stato chiuso. Codici: `solved` (Risolto), `duplicate` (Duplicato)."},
		{"en", "⛔ “fixed” is not one of this desk's closure codes: nothing was resolved. Codes: `solved` (Solved), `duplicate` (Duplicate)."},
	} {
		if got := triageText.T(tt.lang, "err.closure_code", "fixed", closureChoices(cc, tt.lang)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.lang, got, tt.want)
		}
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

// An agent can act on a card the moment the chat shows it, before the
// relay has recorded the card's thread (here the chat answers the card's
// post only after a while, as a slow network or database makes it): the
// thread message and the button press wait for the card, and neither is
// dropped. The relay used to wait 5 s at most, and to drop the event when
// the card was recorded between its two reads.
func TestSlackTriageActBeforeTheCardIsRecorded(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	f.addUser("U0STRANGER", "someone@elsewhere.example")
	f.cardDelay = 6 * time.Second // platform emulation: longer than the old grace
	side := newSlackSide(t, v, f)
	v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack}, viaSlack(side.a))

	convID, _ := v.queued("tg-slow")
	card := f.card(convID) // shown, not yet recorded
	side.write("U0STRANGER", card.TS, "take")
	side.press("U0STRANGER", card, cardAction(VerbTake, convID))
	eventually(t, "both refusals", func() bool { return f.countInThread(card.TS, "I do not know you") == 2 })
}
