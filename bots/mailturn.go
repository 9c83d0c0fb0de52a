// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/nlp"
	"helpdesk/tickets"
)

// A reply by mail in a thread whose ticket waits in the queue, or is held
// by an agent, goes through the chat's own state handlers (states.go):
// every state × intent answers on e-mail exactly as it does on the chat
// channels — a status request gets the ticket's status, "voglio un
// operatore" the queue line, "annulla" the question whether to withdraw
// the ticket (its choices answered by number), more details are added to
// the ticket and said so. The buttons of those replies become the mail's
// numbered choices; the adapter turns a reply with a number back into the
// button's action (Handle), as for the satisfaction question.

// mailTurn is the turn of one mail in conversation conv: the chat's state
// handler runs on it as on a chat message.
func (e *Engine) mailTurn(tx *sqlx.Tx, conv *Conversation, requester *tickets.Requester, in *Message, text string, memo *memo) *turn {
	t := &turn{tx: tx, now: in.CreatedAt, conv: conv, requester: requester, limit: allowed, memo: memo, kept: text,
		in: Inbound{Channel: ChannelEmail, ExternalID: in.ExternalID, ConversationKey: conv.Key, Text: mailCore(text)}}
	if err := json.Unmarshal(conv.Context, &t.dlg); err != nil {
		t.dlg = dialogue{}
	}
	t.lang = conv.Lang
	if d := nlp.DetectLanguage(t.in.Text, conv.Lang); d.Sure {
		t.lang = d.Lang
	}
	return t
}

// finishMailTurn keeps what the turn changed: the live prompt (numbered
// with the mail's id, like a chat message's), the dialogue and the
// conversation's audit lines.
func (e *Engine) finishMailTurn(ctx context.Context, t *turn, inID int64) error {
	previous := t.dlg.Prompt
	settlePrompt(&t.dlg, t.replies, inID, previous)
	b, err := json.Marshal(t.dlg)
	if err != nil {
		return err
	}
	t.conv.Context = b
	for _, ev := range t.events {
		if err := e.store.Event(ctx, t.tx, t.conv.ID, t.now, ev.actor, ev.kind, ev.old, ev.new); err != nil {
			return err
		}
	}
	return nil
}

// mailCore is what a mail says without its salutation and sign-off
// ("Buongiorno," … "Cordiali saluti\nMaria Rossi"), which a chat message
// does not have: "voglio un operatore" signed with a name is still just a
// request for a person, not a description to add to the ticket. The
// whole mail is what is kept on the ticket.
func mailCore(text string) string {
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	for len(paras) > 1 && salutation(paras[0]) {
		paras = paras[1:]
	}
	for len(paras) > 1 && signOff(paras[len(paras)-1]) {
		paras = paras[:len(paras)-1]
	}
	return strings.Join(paras, "\n\n")
}

// salutation: one short line ending with a comma ("Buongiorno,", "Gentile
// help desk,").
func salutation(p string) bool {
	return !strings.Contains(p, "\n") && strings.HasSuffix(p, ",") && len(strings.Fields(p)) <= 4
}

// signOff: a few short lines with no question and no number ("Cordiali
// saluti,\nMaria Rossi", "Dott. Bianchi\nStudio medico").
func signOff(p string) bool {
	lines := strings.Split(p, "\n")
	if len(lines) > 4 || strings.ContainsAny(p, "?0123456789") {
		return false
	}
	for _, l := range lines {
		if len(strings.Fields(l)) > 4 {
			return false
		}
	}
	return true
}
