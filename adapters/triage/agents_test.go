// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"testing"
)

func TestLevelOf(t *testing.T) {
	for role, want := range map[string]int{"agent_l1": 1, "agent_l2": 2, "supervisor": 2, "editor": 0, "admin": 0, "": 0} {
		if got := levelOf(role); got != want {
			t.Errorf("levelOf(%q) = %d, want %d", role, got, want)
		}
	}
}

// A chat user the desk does not know is refused in the thread, in both
// languages, and nothing happens; a linked L1 agent cannot take a level-2
// conversation; an agent found by the e-mail of their Slack profile works.
func TestSlackTriageRights(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	v.agent("marco", "agent_l1", "marco@example.org", "U0MARCO", "")
	v.agent("luca", "agent_l2", "luca@example.org", "", "")
	v.agent("elena", "editor", "elena@example.org", "U0ELENA", "")
	f.addUser("U0STRANGER", "someone@elsewhere.example")
	f.addUser("U0LUCA", "Luca@Example.org")
	side := newSlackSide(t, v, f)
	v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack}, viaSlack(side.a))

	const key = "tg-7"
	convID, _ := v.queued(key)
	card := f.card(convID)

	side.write("U0STRANGER", card.TS, "take")
	side.press("U0STRANGER", card, cardAction(VerbTake, convID))
	f.inThread(card.TS, "Non ti riconosco")
	eventually(t, "both refusals", func() bool { return f.countInThread(card.TS, "I do not know you") == 2 })
	side.write("U0ELENA", card.TS, "take")
	f.inThread(card.TS, "Il tuo ruolo (editor)")
	if c := v.conv(convID); c.State != "queued" {
		t.Fatalf("a refused user changed the conversation: %s", c.State)
	}

	side.write("U0MARCO", card.TS, "escalate serve il secondo livello")
	eventually(t, "the conversation goes to level 2", func() bool { return v.conv(convID).Level == 2 })
	// The escalation is a new handoff: a new card, for level 2, that the
	// level-2 agents see; the relay goes on in its thread.
	eventually(t, "a second card", func() bool { return len(f.cards(convID)) == 2 })
	card2 := f.cards(convID)[1]
	if !strings.Contains(card2.all(), "(livello 2)") {
		t.Fatalf("the second card does not say level 2:\n%s", card2.all())
	}
	side.press("U0MARCO", card2, cardAction(VerbTake, convID))
	f.inThread(card2.TS, "richiede il livello 2 e tu sei di livello 1")
	if c := v.conv(convID); c.State != "queued" {
		t.Fatalf("an L1 agent took a level-2 conversation: %s", c.State)
	}

	side.write("U0LUCA", card.TS, "prendi") // in the old thread: it is the same conversation
	v.userGot(key, "Luca (livello 2)")
	f.inThread(card2.TS, "Luca (livello 2)")
	if n := f.countInThread(card.TS, "Luca (livello 2)"); n != 0 {
		t.Fatalf("the old thread got the relay too (%d)", n)
	}
	side.write("U0MARCO", card.TS, "Le scrivo io")
	f.inThread(card.TS, "Non hai in carico questa conversazione (è di Luca)")
	v.userNever(key, "Le scrivo io")
	side.write("U0LUCA", card.TS, "restituisci")
	eventually(t, "handed back to the bot", func() bool { return v.conv(convID).State == "bot" })
}
