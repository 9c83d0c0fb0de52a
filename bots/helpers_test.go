package bots

import (
	"context"
	"testing"

	"helpdesk/tickets"
)

func ticketFor(channel string) tickets.NewTicket {
	return tickets.NewTicket{OriginChannel: channel, Subject: "altro utente"}
}

func (h *harness) conversation(key string) *Conversation {
	h.t.Helper()
	var c Conversation
	if err := h.db.GetContext(context.Background(), &c, `SELECT * FROM conversations WHERE channel = 'memory' AND conversation_key = $1 ORDER BY id DESC LIMIT 1`, key); err != nil {
		h.t.Fatal(err)
	}
	return &c
}

var _ = testing.Short
