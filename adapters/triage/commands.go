// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// handleEvent acts on one thread message or button press, once: an event
// already acted on (redelivered, or seen by another instance) is skipped.
func (r *Relay) handleEvent(ctx context.Context, ev Event) error {
	var id string
	err := r.db.GetContext(ctx, &id, r.q.SeenEvent, r.cfg.Platform, ev.ID, r.now())
	if errors.Is(err, sql.ErrNoRows) {
		r.log.Info("triage: event already handled", "event_id", ev.ID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("record event: %w", err)
	}
	err = r.act(ctx, ev)
	if db.IsUnavailable(err) {
		// Not acted on: forget it, so that the retry is not taken for a
		// repeat (best effort: the database is just failing).
		_, _ = r.db.ExecContext(context.WithoutCancel(ctx), r.q.UnseeEvent, r.cfg.Platform, ev.ID)
	}
	return err
}

// act finds the card the event belongs to, the console user behind the
// chat account, and runs the command.
func (r *Relay) act(ctx context.Context, ev Event) error {
	var c card
	var cmd Command
	if ev.Action != "" {
		verb, convID, ok := parseAction(ev.Action)
		if !ok {
			return nil
		}
		found, err := r.findCard(ctx, &c, r.q.CardOfConversation, convID)
		if err != nil || !found {
			r.log.Debug("triage: press on no posted card", "event_id", ev.ID, "conversation_id", convID, "err", err)
			return err
		}
		cmd = Command{Verb: verb}
	} else {
		if ev.Thread == "" {
			return nil // talk at the top level of the channel is not for us
		}
		found, err := r.findCard(ctx, &c, r.q.CardOfThread, ev.Thread)
		if err != nil || !found {
			r.log.Debug("triage: message in a thread that is no card's", "event_id", ev.ID, "thread", ev.Thread, "err", err)
			return err
		}
		cmd = ParseCommand(ev.Text, r.cfg.NotePrefix)
		if cmd.Verb == VerbReply && cmd.Text == "" {
			return nil
		}
	}
	// A conversation queued again has a newer card: the relay goes on in
	// its thread, wherever the command was given. Answers go where the
	// agent wrote (a press: the latest card).
	thread := *c.ThreadID
	target := c.ID
	if latest, found, err := r.latestCard(ctx, c.ConversationID); err != nil {
		return err
	} else if found && latest.ThreadID != nil {
		target = latest.ID
		if ev.Action != "" {
			thread = *latest.ThreadID
		}
	}
	agent, lang, refusal, err := r.agentFor(ctx, ev)
	if err != nil {
		return err
	}
	if refusal != "" {
		r.log.Debug("triage: refused", "event_id", ev.ID, "user", ev.User, "thread", thread)
		r.answer(ctx, thread, refusal)
		return nil
	}
	if cmd.Missing {
		if cmd.Verb == VerbResolve {
			r.answer(ctx, thread, triageText.T(lang, "err.resolve", closureChoices(r.cfg.ClosureCodes, lang)))
		} else {
			r.answer(ctx, thread, triageText.T(lang, map[Verb]string{VerbRoute: "err.route", VerbNote: "err.note"}[cmd.Verb]))
		}
		return nil
	}
	if cmd.Verb == VerbResolve && !r.cfg.ClosureCodes.Valid(cmd.Code) {
		// The console's list, checked here as there: the reports count by code.
		r.answer(ctx, thread, triageText.T(lang, "err.closure_code", cmd.Code, closureChoices(r.cfg.ClosureCodes, lang)))
		return nil
	}
	ran := false
	var opErr error
	err = r.relay(ctx, target, func(c *card) (skipFunc, error) {
		ran = true
		var skip skipFunc
		skip, opErr = r.run(ctx, c, agent, cmd)
		return skip, opErr
	})
	switch {
	case !ran:
		return err // the card could not be locked: nothing was done
	case opErr == nil && err != nil:
		// Done; only the copy into the thread failed: the poll retries it.
		r.log.Warn("triage: command done, thread not fully updated", "event_id", ev.ID, "err", err)
		err = nil
	default:
		err = opErr
	}
	switch {
	case err == nil:
		if cmd.Verb == VerbNote {
			r.answer(ctx, thread, triageText.T(lang, "note.saved"))
		}
		return nil
	case db.IsUnavailable(err):
		return err
	}
	msg, known := r.explain(ctx, c.ConversationID, agent, lang, err)
	r.answer(ctx, thread, msg)
	if !known {
		return err
	}
	return nil
}

// run performs a command through the engine. A reply's own message is
// skipped by the relay: the thread shows it already.
func (r *Relay) run(ctx context.Context, c *card, agent bots.Agent, cmd Command) (skipFunc, error) {
	id := c.ConversationID
	switch cmd.Verb {
	case VerbTake:
		return nil, r.eng.Take(ctx, id, agent)
	case VerbEscalate:
		return nil, r.eng.Escalate(ctx, id, agent, cmd.Text)
	case VerbRoute:
		return nil, r.eng.RouteExternal(ctx, id, agent, cmd.Org, cmd.Email)
	case VerbResolve:
		return nil, r.eng.Resolve(ctx, id, agent, cmd.Code, cmd.Text)
	case VerbHandBack:
		return nil, r.eng.HandBack(ctx, id, agent)
	case VerbNote:
		return nil, r.eng.Note(ctx, id, agent, cmd.Text)
	}
	var before int64
	if err := r.db.GetContext(ctx, &before, r.q.LastMessage, id); err != nil {
		return nil, err
	}
	body := strings.TrimSpace(cmd.Text)
	author := "agent:" + strconv.FormatInt(agent.ID, 10)
	skipped := false
	skip := func(m *bots.Message) bool {
		if skipped || m.ID <= before || m.Direction != "out" || m.Author != author || m.Body != body {
			return false
		}
		skipped = true
		return true
	}
	return skip, r.eng.Reply(ctx, id, agent, body)
}

// explain turns an engine error into what the agent reads in the thread;
// known is false for an unexpected failure.
func (r *Relay) explain(ctx context.Context, convID int64, agent bots.Agent, lang string, err error) (msg string, known bool) {
	conv, cerr := r.conversation(ctx, convID)
	holder := triageText.T(lang, "someone")
	if cerr == nil && conv.AgentID != nil {
		var name string
		if r.db.GetContext(ctx, &name, r.q.UserName, *conv.AgentID) == nil && name != "" {
			holder = name
		}
	}
	switch {
	case errors.Is(err, bots.ErrTaken):
		return triageText.T(lang, "err.taken", holder), true
	case errors.Is(err, bots.ErrLevel):
		level := 2
		if cerr == nil {
			level = conv.Level
		}
		return triageText.T(lang, "err.level", level, agent.Level), true
	case errors.Is(err, bots.ErrNotHolder):
		return triageText.T(lang, "err.notholder", holder), true
	case errors.Is(err, bots.ErrWrongState):
		state := "?"
		if cerr == nil {
			state = string(conv.State)
		}
		return triageText.T(lang, "err.state", state), true
	case errors.Is(err, bots.ErrInvalidInbound):
		return triageText.T(lang, "err.invalid", err.Error()), true
	case errors.Is(err, bots.ErrNotDelivered):
		// Recorded and retried: the agent must not think it was sent, nor
		// write it again.
		return triageText.T(lang, "err.undelivered", err.Error()), true
	}
	return triageText.T(lang, "err.internal"), false
}

// answer posts the relay's own message in a thread; a failure is logged.
func (r *Relay) answer(ctx context.Context, thread, msg string) {
	if _, err := r.chat.PostMessage(ctx, r.cfg.ChannelID, thread, bots.Reply{Text: msg}); err != nil {
		r.log.Warn("triage: answer not posted", "thread", thread, "err", err)
	}
}

// findCard reads the posted card that query finds with arg. While a card
// of the channel is being posted (claimed, not yet recorded) the event may
// be about it: an agent can press a button or answer in the thread the
// moment the chat shows the card, before its poster has recorded the
// thread. Such an event waits for the posting to end, that is for the
// claim to be recorded, dropped or to die (a claim older than
// ClaimTimeout, whose claimant is gone and which another instance takes
// over).
//
// Whether a card is being posted is read before the card itself: read
// after, the card could be recorded between the two reads, found neither
// posted nor being posted, and the event dropped. That race, and a fixed
// 5 s grace for the posting, dropped agents' events on a busy machine.
func (r *Relay) findCard(ctx context.Context, c *card, query string, arg any) (bool, error) {
	for {
		var posting bool
		if err := r.db.GetContext(ctx, &posting, r.q.UnpostedClaims, r.cfg.Platform, r.cfg.ChannelID,
			r.now().Add(-r.cfg.ClaimTimeout)); err != nil {
			return false, err
		}
		err := r.db.GetContext(ctx, c, query, r.cfg.Platform, r.cfg.ChannelID, arg)
		if err == nil && c.ThreadID != nil {
			return true, nil
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
		if !posting {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(50 * time.Millisecond): // a poll interval: the claim decides
		}
	}
}

// closureChoices lists the codes resolve accepts with their labels in
// lang: "`solved` (Risolto), `duplicate` (Duplicato)".
func closureChoices(cc bots.ClosureCodes, lang string) string {
	parts := make([]string, len(cc))
	for i, c := range cc {
		parts[i] = "`" + c.Code + "` (" + cc.Label(lang, c.Code) + ")"
	}
	return strings.Join(parts, ", ")
}
