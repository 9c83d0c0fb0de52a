// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"github.com/jmoiron/sqlx"
	"helpdesk/internal/testdb"
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

// adminDB opens a second pool on the test server, outside the engine's.
func (h *harness) adminDB() *sqlx.DB {
	h.t.Helper()
	a, err := sqlx.Open("postgres", testdb.ServerURL(h.t))
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { a.Close() })
	return a
}

func (h *harness) conversationByID(id int64) *Conversation {
	h.t.Helper()
	c, err := h.engine.store.Get(context.Background(), h.db, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}
