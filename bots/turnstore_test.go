// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"testing"
)

// The longer paths of the hot statement: a second person writing in an
// open conversation (a shared thread), a user whose name changed, and a
// redelivery of each — recorded once, answered once.
func TestOpenTurnLongerPaths(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	send := func(ext, user, name, text string) Result {
		t.Helper()
		res, err := h.engine.Handle(ctx, Inbound{Channel: "memory", ExternalID: ext, ConversationKey: "shared",
			User: User{ID: user, Name: name}, Text: text})
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		return res
	}
	first := send("s1", "u-anna", "Anna", "buongiorno")
	other := send("s2", "u-bruno", "Bruno", "buongiorno")
	renamed := send("s3", "u-anna", "Anna Rossi", "hello")
	if other.ConversationID != first.ConversationID || renamed.ConversationID != first.ConversationID {
		t.Fatalf("conversations %d, %d, %d: want one", first.ConversationID, other.ConversationID, renamed.ConversationID)
	}
	for _, r := range []Result{first, other, renamed} {
		if r.Duplicate || len(r.Replies) == 0 {
			t.Errorf("message not answered: %+v", r)
		}
	}
	for _, ext := range []string{"s2", "s3"} {
		if r := send(ext, map[string]string{"s2": "u-bruno", "s3": "u-anna"}[ext], "", "buongiorno"); !r.Duplicate || len(r.Replies) != 0 {
			t.Errorf("redelivery of %s: %+v", ext, r)
		}
	}
	var in int
	if err := h.db.GetContext(ctx, &in, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'in'`, first.ConversationID); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := h.db.GetContext(ctx, &name, `SELECT r.name FROM requester_identities i JOIN requesters r ON r.id = i.requester_id WHERE i.external_id = 'u-anna'`); err != nil {
		t.Fatal(err)
	}
	if in != 3 || name != "Anna Rossi" {
		t.Errorf("%d inbound messages (want 3), requester name %q (want the new one)", in, name)
	}
}
