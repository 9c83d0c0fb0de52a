// SPDX-License-Identifier: EUPL-1.2

package journey

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/internal/testwait"
)

// MailChannel is the e-mail side of the journey. Mail has no chat
// dialogue before the ticket: a new mail opens one at once and is
// acknowledged; the requester answers by replying to the desk's mails,
// and a choice (the 1–5 rating) is answered by replying with its number,
// since a mail has no buttons.
type MailChannel interface {
	// Name is the engine's channel name ("email").
	Name() string
	// Mail sends a mail from the requester and returns once the adapter
	// has handled it: a new thread when replyTo is negative, else a reply
	// to the desk's mail Shown()[replyTo] (threaded under it, its subject
	// with "R: ").
	Mail(t *testing.T, subject, text string, replyTo int)
	// Again sends the previous mail once more, unchanged (the same
	// Message-ID, as a mail server that delivers twice does).
	Again(t *testing.T)
	// Shown returns the desk's mails in the requester's mailbox, oldest
	// first: the headers a reader looks at, a blank line, the text part.
	Shown() []Shown
}

// RunMail plays the e-mail journey on ch and compares the transcript with
// testdata/journeys/<channel>.golden (rewritten when update is set).
func RunMail(t *testing.T, ch MailChannel, desk Desk, update bool) {
	r := &mailRunner{runner: runner{t: t, desk: desk}, ch: ch}
	r.play()
	golden(t, filepath.Join("testdata", "journeys", ch.Name()+".golden"), r.b.String(), update)
}

type mailRunner struct {
	runner
	ch MailChannel
}

func (r *mailRunner) play() {
	r.section("a new mail opens a ticket at once (mail has no chat dialogue before it)")
	r.mail("Il lettore della tessera sanitaria non legge più la carta",
		"Buongiorno,\n\nda stamattina il lettore USB non riconosce la tessera sanitaria, su tutti i PC dello studio.\n\nMaria Rossi", -1)
	ack := r.last()
	number := ticketNumber.FindString(r.ch.Shown()[ack].Text)
	if number == "" {
		r.t.Fatalf("no ticket number in the acknowledgement; transcript:\n%s", r.b.String())
	}

	r.section("the same mail delivered twice (one Message-ID)")
	r.again()

	r.section("status while queued")
	r.mail("", "stato "+number, ack)

	r.section("voglio un operatore while queued (signed, as a mail is)")
	r.mail("", "Buongiorno,\n\nvoglio un operatore\n\nMaria Rossi", ack)

	r.section("an agent takes over and replies")
	conv := r.conversation()
	marco := r.agent()
	r.agentOp("Marco prende in carico", func(ctx context.Context) error { return r.desk.Engine.Take(ctx, conv, marco) })
	r.mail("", "ci siete?", r.last())
	r.agentOp("Marco risponde", func(ctx context.Context) error {
		return r.desk.Engine.Reply(ctx, conv, marco, "Buongiorno, sono Marco: reinstalli il driver del lettore dal portale e riprovi.")
	})
	r.mail("", "Fatto, ora la tessera viene letta. Grazie!", r.last())

	r.section("resolve and satisfaction (the rating is a reply with its number)")
	r.agentOp("Marco risolve", func(ctx context.Context) error {
		return r.desk.Engine.Resolve(ctx, conv, marco, "fixed", "Driver del lettore reinstallato.")
	})
	question := r.last()
	r.mail("", "5", question)

	r.section("the question answered again (double press)")
	r.mail("", "4", question)

	r.section("the problem comes back: voglio un operatore")
	r.mail("", "Il lettore ha smesso di nuovo di funzionare, voglio un operatore.", question-1)

	r.section("a number in reply to a mail that offered no choice (stale press)")
	r.mail("", "3", ack)

	r.section("a message with U+0000")
	r.mail("", "aggiungo\x00 che il lettore lampeggia rosso", r.last())

	r.section("a long table-heavy answer (an agent sends a knowledge-base entry)")
	entry, err := r.desk.KB.Get(testwait.Context(r.t), "manuale-ricetta-stati")
	if err != nil {
		r.t.Fatal(err)
	}
	r.agentOp("Marco prende in carico di nuovo", func(ctx context.Context) error { return r.desk.Engine.Take(ctx, conv, marco) })
	r.agentOp("Marco risponde con la voce "+entry.ID, func(ctx context.Context) error {
		return r.desk.Engine.Reply(ctx, conv, marco, entry.Body)
	})

	r.section("what the ticket recorded of the requester's mails (public comments)")
	r.comments(number)
}

// comments writes down the requester's comments on the ticket: where the
// mails that got no answer went.
func (r *mailRunner) comments(number string) {
	ctx := testwait.Context(r.t)
	tk, err := r.desk.Tickets.GetByNumber(ctx, r.desk.DB, number)
	if err != nil {
		r.t.Fatal(err)
	}
	cs, err := r.desk.Tickets.Comments(ctx, r.desk.DB, tk.ID, false)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, c := range cs {
		if strings.HasPrefix(c.Author, "requester:") {
			fmt.Fprintf(&r.b, "- %q\n", c.Body)
		}
	}
}

// conversation is the requester's e-mail conversation.
func (r *mailRunner) conversation() int64 {
	var id int64
	if err := r.desk.DB.GetContext(testwait.Context(r.t), &id, `SELECT id FROM conversations WHERE channel = $1
		ORDER BY id DESC LIMIT 1`, r.ch.Name()); err != nil {
		r.t.Fatal(err)
	}
	return id
}

// last is the index of the desk's latest mail.
func (r *mailRunner) last() int {
	return len(r.ch.Shown()) - 1
}

// mail sends a mail and writes down what the requester received.
func (r *mailRunner) mail(subject, text string, replyTo int) {
	r.t.Helper()
	to := "a new mail"
	if replyTo >= 0 {
		to = fmt.Sprintf("a reply to mail %d", replyTo+1)
	}
	if subject != "" {
		to += ", subject: " + subject
	}
	fmt.Fprintf(&r.b, "> (%s)\n", to)
	for _, l := range strings.Split(text, "\n") {
		fmt.Fprintf(&r.b, "> %s\n", strings.ReplaceAll(l, "\x00", `\x00`))
	}
	r.ch.Mail(r.t, subject, text, replyTo)
	r.delivered()
}

func (r *mailRunner) again() {
	r.t.Helper()
	fmt.Fprintf(&r.b, "> (the same mail again)\n")
	r.ch.Again(r.t)
	r.delivered()
}

// delivered waits until every reply of the channel is sent (or refused
// for good) and writes down the mails that arrived since the last step;
// a step with none says so.
func (r *mailRunner) delivered() {
	r.t.Helper()
	ctx := testwait.Context(r.t)
	testwait.For(r.t, "the replies delivered", func() bool {
		var unsent int
		if err := r.desk.DB.GetContext(ctx, &unsent, `SELECT count(*) FROM messages WHERE channel = $1
			AND direction = 'out' AND failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`, r.ch.Name()); err != nil {
			r.t.Fatal(err)
		}
		return unsent == 0
	})
	before := r.seen
	r.flushMail()
	if r.seen == before {
		fmt.Fprintf(&r.b, "  (no mail in answer)\n")
	}
}

// agentOp runs an agent's operation and writes down the mails it sent.
func (r *mailRunner) agentOp(what string, op func(ctx context.Context) error) {
	r.t.Helper()
	fmt.Fprintf(&r.b, "* %s\n", what)
	if err := op(testwait.Context(r.t)); err != nil {
		r.t.Fatalf("%s: %v", what, err)
	}
	r.delivered()
}

// flushMail writes the mails shown since the last flush, numbered.
func (r *mailRunner) flushMail() {
	shown := r.ch.Shown()
	for i, s := range shown[r.seen:] {
		fmt.Fprintf(&r.b, "< ── mail %d ──\n", r.seen+i+1)
		for _, l := range strings.Split(strings.TrimRight(s.Text, "\n"), "\n") {
			fmt.Fprintf(&r.b, "< %s\n", strings.TrimRight(l, " "))
		}
	}
	r.seen = len(shown)
}
