// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"strings"

	"helpdesk/nlp"
	"helpdesk/tickets"
)

// Deliberate silences: the only cases in which a user's message gets no
// reply from the bot. Every other message, in every state, is answered —
// TestEveryStateAnswers walks each state × intent against this list, and
// the README's dialogue section names each key (a test checks that too).
const (
	// SilenceAgentHolds: an agent holds the conversation; the message is
	// theirs (the console and the triage thread show it live). Only a
	// status request is answered by the bot.
	SilenceAgentHolds = "agent_holds"
	// SilenceRateLimited: the user writes faster than
	// bot.user_rate_per_minute; after one warning further messages are
	// recorded for the agents but not answered.
	SilenceRateLimited = "rate_limited"
)

// Silences lists every deliberate silence with the reason it is one.
var Silences = map[string]string{
	SilenceAgentHolds:  "an agent holds the conversation: the message is for them; only status requests are answered",
	SilenceRateLimited: "over the user's rate limit, after one warning",
}

// Actions of the queued state's own prompt.
const (
	actQueueCancel = "qcancel:yes"
	actQueueStay   = "qcancel:no"
)

// whileHeld answers a message while an agent holds the conversation: the
// bot stays out of the way except for an explicit status request.
func (e *Engine) whileHeld(ctx context.Context, t *turn, action string) error {
	if action == actTrack || (action == "" && t.in.Text != "" && nlp.Classify(t.in.Text, t.lang).Kind == nlp.IntentTicketStatus) {
		ref := ""
		if action == "" {
			ref = nlp.Classify(t.in.Text, t.lang).TicketRef
		}
		return e.status(ctx, t, ref)
	}
	t.silence = SilenceAgentHolds
	return nil
}

// whileQueued answers a message while the conversation waits for an
// agent: status, where the user stands in the queue and when the desk
// expects to answer, more details (appended to the ticket), cancel.
func (e *Engine) whileQueued(ctx context.Context, t *turn, action string) error {
	switch action {
	case "":
	case actTrack:
		return e.queuedStatus(ctx, t, "")
	case actQueueCancel:
		return e.cancelQueued(ctx, t)
	case actQueueStay:
		return e.queueWait(ctx, t, "queued.stay")
	case actCancel:
		return e.askCancelQueued(ctx, t)
	default:
		// The menu, feedback or gathering buttons belong to the bot's
		// dialogue, which is over until the agent hands back.
		return e.queueWait(ctx, t, "")
	}
	intent := nlp.Classify(t.in.Text, t.lang)
	switch intent.Kind {
	case nlp.IntentTicketStatus:
		return e.queuedStatus(ctx, t, intent.TicketRef)
	case nlp.IntentCancel:
		return e.askCancelQueued(ctx, t)
	case nlp.IntentProblem, nlp.IntentSuggestion, nlp.IntentFeedbackNo, nlp.IntentHuman, nlp.IntentOpenTicket:
		if !nlp.RequestOnly(t.in.Text, t.lang) && contentWords(t.in.Text, t.lang) >= 2 {
			return e.addDetails(ctx, t)
		}
	}
	return e.queueWait(ctx, t, "")
}

// queuedTicket is the ticket the queued conversation waits with, or nil.
func (e *Engine) queuedTicket(ctx context.Context, t *turn) (*tickets.Ticket, error) {
	if t.conv.TicketID == nil {
		return nil, nil
	}
	return e.opt.Tickets.Get(ctx, t.tx, *t.conv.TicketID)
}

// queueWait tells the user where they stand in the queue and when the
// desk expects to answer, on the business calendar; lead, when set, is a
// line said first.
func (e *Engine) queueWait(ctx context.Context, t *turn, lead string) error {
	line, err := e.queueLine(ctx, t)
	if err != nil {
		return err
	}
	if lead != "" {
		line = e.t(t, lead) + "\n" + line
	}
	t.say(Reply{Text: line, Buttons: []Button{
		{Label: e.t(t, "btn.track"), Action: actTrack}, {Label: e.t(t, "btn.cancelticket"), Action: actCancel}}})
	return nil
}

// queueLine is "your ticket is in the queue, position N, answer by …".
func (e *Engine) queueLine(ctx context.Context, t *turn) (string, error) {
	var pos int
	err := t.tx.GetContext(ctx, &pos, e.store.q.QueuePosition, t.conv.Level, t.conv.ID)
	if errors.Is(err, sql.ErrNoRows) || pos < 1 {
		pos = 1
	} else if err != nil {
		return "", err
	}
	tk, err := e.queuedTicket(ctx, t)
	if err != nil {
		return "", err
	}
	number := "-"
	due := t.now
	if tk != nil {
		number = tk.Number
		due = e.promiseCalendar(tk).AddWorkingHours(tk.CreatedAt, e.opt.FirstResponse[tk.Priority])
	}
	queue := e.queueCalendar(t.conv.Level)
	loc := queue.Location()
	wait := "queued.wait"
	if t.in.Channel == ChannelEmail {
		wait = "mail.queued" // "we will answer by e-mail", not "stay in this chat"
	}
	var msg string
	if due.After(t.now) {
		msg = e.t(t, wait, number, pos, formatWhen(t.lang, due, t.now, loc))
	} else {
		msg = e.t(t, wait+".late", number, pos)
	}
	if !queue.IsOpen(t.now) {
		msg += "\n" + e.t(t, "queued.closed", formatWhen(t.lang, queue.NextOpening(t.now), t.now, loc))
	}
	return msg, nil
}

// queuedStatus answers a status request while queued: the ticket(s), then
// the queue.
func (e *Engine) queuedStatus(ctx context.Context, t *turn, ref string) error {
	if err := e.status(ctx, t, ref); err != nil {
		return err
	}
	line, err := e.queueLine(ctx, t)
	if err != nil {
		return err
	}
	t.say(Reply{Text: line})
	return nil
}

// addDetails appends what the user wrote to the ticket as their public
// comment, so the agent reads it, and says so.
func (e *Engine) addDetails(ctx context.Context, t *turn) error {
	tk, err := e.queuedTicket(ctx, t)
	if err != nil {
		return err
	}
	if tk == nil {
		return e.queueWait(ctx, t, "")
	}
	if _, err := e.opt.Tickets.AddComment(ctx, t.tx, tk.ID, t.actor(), true, strings.TrimSpace(cmp.Or(t.kept, t.in.Text))); err != nil {
		return err
	}
	t.event(t.actor(), "details_added", "", tk.Number)
	t.say(Reply{Text: e.t(t, "queued.added", tk.Number)})
	return nil
}

// askCancelQueued asks before withdrawing a queued ticket: "annulla" may
// have been meant for something else.
func (e *Engine) askCancelQueued(ctx context.Context, t *turn) error {
	tk, err := e.queuedTicket(ctx, t)
	if err != nil {
		return err
	}
	number := "-"
	if tk != nil {
		number = tk.Number
	}
	t.say(Reply{Text: e.t(t, "queued.cancel.ask", number), Buttons: []Button{
		{Label: e.t(t, "btn.cancelyes"), Action: actQueueCancel}, {Label: e.t(t, "btn.stay"), Action: actQueueStay}}})
	return nil
}

// cancelQueued withdraws the ticket and gives the conversation back to
// the bot.
func (e *Engine) cancelQueued(ctx context.Context, t *turn) error {
	tk, err := e.queuedTicket(ctx, t)
	if err != nil {
		return err
	}
	number := "-"
	if tk != nil {
		number = tk.Number
		if tk.State != tickets.StateCancelled {
			if _, err := e.opt.Tickets.Transition(ctx, t.tx, tk.ID, t.actor(), tickets.StateCancelled); err != nil {
				return err
			}
		}
	}
	t.conv.AgentID = nil
	t.setState(t.actor(), StateBot)
	t.event(t.actor(), "cancelled", "", number)
	t.dlg = dialogue{}
	t.say(Reply{Text: e.t(t, "queued.cancelled", number)})
	return nil
}
