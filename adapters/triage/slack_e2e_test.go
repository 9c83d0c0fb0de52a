// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
)

// The relay over Slack: a Telegram-like user opens a ticket → a
// card appears in the triage channel → an agent presses Take → the user
// is told the agent joined → the agent's thread reply reaches the user →
// a note does not → "resolve solved Riavviato" resolves the ticket. The
// user's own later message shows up in the thread.
func TestSlackTriageRelayEndToEnd(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	v.agent("marco", "agent_l1", "marco@example.org", "U0MARCO", "")
	f.addUser("U0MARCO", "marco@example.org")
	side := newSlackSide(t, v, f)
	v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack, ClosureCodes: bots.ClosureCodes{
		{Code: "solved", IT: "Risolto", EN: "Solved"}, {Code: "vendor_fix", IT: "Corretto dal fornitore", EN: "Fixed by the vendor"}}}, viaSlack(side.a))

	const key = "tg-4242"
	convID, number := v.queued(key)
	card := f.card(convID)
	for _, want := range []string{number, "memory", "Anna Rossi", "ricette"} {
		if !strings.Contains(card.all(), want) {
			t.Errorf("card lacks %q:\n%s", want, card.all())
		}
	}
	if got := card.values(); len(got) != 2 || got[0] != cardAction(VerbTake, convID) || got[1] != cardAction(VerbEscalate, convID) {
		t.Fatalf("card buttons = %v", got)
	}

	side.press("U0MARCO", card, cardAction(VerbTake, convID))
	v.userGot(key, "Marco (livello 1)")
	f.inThread(card.TS, "Marco (livello 1)") // the thread mirrors what the user was told
	if c := v.conv(convID); c.State != "agent" || c.AgentID == nil {
		t.Fatalf("after Take: state %s agent %v", c.State, c.AgentID)
	}

	// Slack delivers the reply twice (a retry after a slow answer): the
	// user gets it once, with the agent's Slack *bold* as the desk's bold.
	ts := nextTS()
	side.writeAt("U0MARCO", card.TS, "Buongiorno, provi a *riavviare* il programma e mi dica", ts)
	side.writeAt("U0MARCO", card.TS, "Buongiorno, provi a *riavviare* il programma e mi dica", ts)
	v.userGot(key, "provi a **riavviare** il programma")

	v.say(key, "fatto, adesso stampa")
	f.inThread(card.TS, "fatto, adesso stampa")

	side.write("U0MARCO", card.TS, "note il fornitore conferma un bug noto")
	side.write("U0MARCO", card.TS, "!nota riservata con prefisso")
	f.inThread(card.TS, "Nota interna registrata")
	eventually(t, "both notes are recorded", func() bool {
		return v.count(`SELECT count(*) FROM ticket_comments c JOIN tickets t ON t.id = c.ticket_id
			WHERE t.number = $1 AND NOT c.public AND c.body IN ('il fornitore conferma un bug noto', 'nota riservata con prefisso')`, number) == 2
	})
	v.userNever(key, "fornitore")
	v.userNever(key, "riservata")

	// The closure code is checked against the configured list, as the
	// console's: a code not on it (or none) is refused and names the list.
	side.write("U0MARCO", card.TS, "resolve fixed Riavviato")
	f.inThread(card.TS, "«fixed» non è un codice di chiusura di questo servizio: nulla è stato chiuso. Codici: `solved` (Risolto), `vendor_fix` (Corretto dal fornitore).")
	side.write("U0MARCO", card.TS, "risolvi")
	f.inThread(card.TS, "Manca il codice di chiusura: `risolvi CODICE [nota]`, per esempio `risolvi solved Riavviato il servizio`. Codici: `solved` (Risolto), `vendor_fix`")
	if st := v.ticketState(number); st == "resolved" {
		t.Fatalf("a refused resolve resolved the ticket")
	}
	side.write("U0MARCO", card.TS, "resolve solved Riavviato")
	eventually(t, "the ticket is resolved", func() bool { return v.ticketState(number) == "resolved" })
	v.userGot(key, "Riavviato")
	var code, note string
	if err := v.pool.QueryRow(`SELECT closure_code, closure_note FROM tickets WHERE number = $1`, number).Scan(&code, &note); err != nil {
		t.Fatal(err)
	}
	if code != "solved" || note != "Riavviato" {
		t.Fatalf("closure %q %q", code, note)
	}

	// The agent's own reply is in the thread once: as the agent wrote it,
	// not copied back by the relay. A wrong copy gets a bounded while to
	// show itself.
	time.Sleep(testwait.Quiet)
	got := 0
	for _, r := range v.mem.Replies(key) {
		if strings.Contains(r.Reply.Text, "provi a **riavviare** il programma") {
			got++
		}
	}
	if got != 1 {
		t.Fatalf("the redelivered reply reached the user %d times", got)
	}
	if n := f.countInThread(card.TS, "provi a *riavviare*"); n != 0 {
		t.Fatalf("the relay copied the agent's thread reply back %d times", n)
	}
	if n := len(f.cards(convID)); n != 1 {
		t.Fatalf("%d cards for one handoff", n)
	}
	// The audit trail names the console user.
	var actor string
	if err := v.pool.Get(&actor, `SELECT actor FROM conversation_events WHERE conversation_id = $1 AND kind = 'taken'`, convID); err != nil {
		t.Fatal(err)
	}
	var marco int64
	if err := v.pool.Get(&marco, `SELECT id FROM users WHERE username = 'marco'`); err != nil {
		t.Fatal(err)
	}
	if actor != "agent:"+itoa(marco) {
		t.Fatalf("taken by %q, want agent:%d", actor, marco)
	}
}
