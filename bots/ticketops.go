// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// TicketComment adds a comment to a ticket on behalf of actor (an
// integration of the REST API: "api:name"). A public comment is a public
// comment wherever it is written: when the ticket came from a
// conversation it is sent to the requester on that conversation's channel
// — an e-mail in the ticket's thread, a chat message — exactly as an
// agent's reply from the console is, and its delivery is tracked the same
// way (the first-response clock stops only when it arrives). An internal
// note is recorded and sent to nobody.
func (e *Engine) TicketComment(ctx context.Context, ticketID int64, actor string, public bool, body string) (*tickets.Comment, error) {
	convID, err := e.ticketConversation(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	var c *tickets.Comment
	if !public || convID == 0 {
		err := db.Tx(ctx, e.opt.DB, func(tx *sqlx.Tx) error {
			var err error
			c, err = e.opt.Tickets.AddComment(ctx, tx, ticketID, actor, public, body)
			return err
		})
		return c, err
	}
	err = e.agentOp(ctx, convID, Agent{}, func(t *agentTurn) error {
		t.author = actor
		var err error
		c, err = e.opt.Tickets.AddChatReply(ctx, t.tx, ticketID, actor, body)
		if err != nil {
			return err
		}
		t.say(Reply{Text: c.Body, Comment: &CommentRef{TicketID: ticketID, CommentID: c.ID, Actor: actor}})
		return nil
	})
	return c, err
}

// ResolveTicket resolves a ticket on behalf of actor, with the same
// checks as the console (required checklist steps, or a reason to skip
// them). When the ticket came from a conversation that is still open,
// the requester is told as the console's resolution tells them — the
// number, the closing note, how to reopen, the satisfaction question —
// and the conversation is resolved.
func (e *Engine) ResolveTicket(ctx context.Context, ticketID int64, actor, code, note, uncheckedReason string) (*tickets.Ticket, error) {
	convID, err := e.ticketConversation(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	var tk *tickets.Ticket
	if convID == 0 {
		err := db.Tx(ctx, e.opt.DB, func(tx *sqlx.Tx) error {
			var err error
			tk, err = e.opt.Tickets.ResolveChecked(ctx, tx, ticketID, actor, code, note, uncheckedReason)
			return err
		})
		return tk, err
	}
	err = e.agentOp(ctx, convID, Agent{}, func(t *agentTurn) error {
		t.author = actor
		var err error
		tk, err = e.opt.Tickets.ResolveChecked(ctx, t.tx, ticketID, actor, code, note, uncheckedReason)
		if err != nil {
			return err
		}
		if t.conv.State == StateResolved || t.conv.State == StateClosed {
			return nil // the requester was told already
		}
		return e.conversationResolved(ctx, t, tk.Number, note)
	})
	return tk, err
}

// ticketConversation is the conversation a ticket came from, 0 if none.
func (e *Engine) ticketConversation(ctx context.Context, ticketID int64) (int64, error) {
	tk, err := e.opt.Tickets.Get(ctx, e.opt.DB, ticketID)
	if err != nil {
		return 0, fmt.Errorf("ticket %d: %w", ticketID, err)
	}
	if tk.ConversationID == nil {
		return 0, nil
	}
	return *tk.ConversationID, nil
}
