// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"testing"
)

// Each message of the conversation reads as what it is in the card's
// thread: the user's words under their name (a pressed button said so),
// the bot's replies as the bot's, a console reply under the agent's name.
func TestRelayLines(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	marco := v.agent("marco", "agent_l1", "", "U0MARCO", "")
	side := newSlackSide(t, v, f)
	v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack}, viaSlack(side.a))
	const key = "tg-lines"
	convID, _ := v.queued(key)
	card := f.card(convID)

	for _, tc := range []struct {
		name       string
		act        func()
		body, want string
	}{
		{"user", func() { v.say(key, "si blocca ancora alla stampa") }, "si blocca ancora alla stampa", "💬"},
		{"bot", func() {}, "Ho aggiunto il tuo messaggio", "🤖"},
		{"press", func() { v.say(key, "[menu]") }, "ha premuto: menu", "💬"},
		{"agent", func() {
			agent := agentOf(marco, "Marco", 1)
			if err := v.engine.Take(t.Context(), convID, agent); err != nil {
				t.Fatal(err)
			}
			if err := v.engine.Reply(t.Context(), convID, agent, "provi a riavviare il programma"); err != nil {
				t.Fatal(err)
			}
		}, "provi a riavviare il programma", "↩️"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.act()
			p := f.inThread(card.TS, tc.body)
			if !strings.HasPrefix(p.all(), tc.want) {
				t.Errorf("%q does not start with %s", p.all(), tc.want)
			}
			who := map[string]string{"💬": "Anna Rossi", "🤖": "bot", "↩️": "Marco"}[tc.want]
			if !strings.Contains(p.all(), who) {
				t.Errorf("%q does not name %s", p.all(), who)
			}
		})
	}
}
