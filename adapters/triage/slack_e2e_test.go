// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"sync"
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

// Two agents pressing Take at the same moment, on two instances: exactly
// one gets the conversation, the other is told who has it.
func TestSlackTriageTwoInstancesOneCardOneTake(t *testing.T) {
	v := newEnv(t)
	f := newFakeSlack(t)
	v.agent("marco", "agent_l1", "", "U0MARCO", "")
	v.agent("giulia", "agent_l1", "", "U0GIULIA", "")
	a, b := newSlackSide(t, v, f), newSlackSide(t, v, f)
	// The second Slack adapter talks to the same workspace: each instance
	// has its own adapter and relay on the same database.
	ra := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack}, viaSlack(a.a))
	rb := v.relay(Config{Platform: PlatformSlack, ChannelID: triageSlack}, viaSlack(b.a))

	var ids []int64
	for _, key := range []string{"tg-1", "tg-2", "tg-3"} {
		id, _ := v.queued(key)
		ids = append(ids, id)
	}
	for _, id := range ids {
		f.card(id)
	}
	settled(t, ra, rb) // several polls of both instances, each with its syncs done
	for _, id := range ids {
		if n := len(f.cards(id)); n != 1 {
			t.Fatalf("conversation %d: %d cards, want exactly 1", id, n)
		}
	}

	card := f.cards(ids[0])[0]
	var wg sync.WaitGroup
	for _, p := range []struct {
		side *slackSide
		user string
	}{{a, "U0MARCO"}, {b, "U0GIULIA"}} {
		wg.Add(1)
		go func() { defer wg.Done(); p.side.press(p.user, card, cardAction(VerbTake, ids[0])) }()
	}
	wg.Wait()
	eventually(t, "the loser is told who has it", func() bool {
		return f.countInThread(card.TS, "già in carico a Marco") == 1 || f.countInThread(card.TS, "già in carico a Giulia") == 1
	})
	c := v.conv(ids[0])
	if c.State != "agent" || c.AgentID == nil {
		t.Fatalf("state %s agent %v", c.State, c.AgentID)
	}
	var joined int
	for _, r := range v.mem.Replies("tg-1") {
		if strings.Contains(r.Reply.Text, "è entrato nella conversazione") {
			joined++
		}
	}
	if joined != 1 {
		t.Fatalf("the user was told %d times that an agent joined", joined)
	}
}

// settled waits until each relay has polled twice more and has no sync
// left: whatever those polls could have posted has been posted.
func settled(t *testing.T, relays ...*Relay) {
	t.Helper()
	for _, r := range relays {
		_, from := r.idle()
		eventually(t, "two more polls and no sync left", func() bool {
			idle, n := r.idle()
			return idle && n >= from+2
		})
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
