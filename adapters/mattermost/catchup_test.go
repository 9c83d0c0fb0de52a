package mattermost

import (
	"strings"
	"testing"
)

// TestCatchUpAfterReconnect: while the WebSocket is down the user writes
// again; the server cannot resume the old connection (it gives a new
// connection id), so the adapter reads the direct channel's posts since
// the last one it saw through REST and answers the missed one — once:
// the post it had already handled is not answered again.
func TestCatchUpAfterReconnect(t *testing.T) {
	d := newDesk(t, true)
	d.write("il lettore non riconosce la smart card")
	first := d.next()
	if first.ChannelId != d.channel {
		t.Fatalf("first answer in %s", first.ChannelId)
	}
	for len(d.f.createdPosts()) > d.seen { // the rest of the first turn
		d.next()
	}

	d.f.dropConnections()
	missed := d.f.userPost(d.user.Id, d.channel, "", "grazie, tutto risolto")
	reply := d.next()
	if reply.ChannelId != d.channel || reply.Message == "" {
		t.Fatalf("reply to the missed post: %+v", reply)
	}
	var handled int
	if err := d.db.Get(&handled, `SELECT count(*) FROM messages WHERE channel = 'mattermost' AND direction = 'in' AND external_id = $1`, missed.Id); err != nil {
		t.Fatal(err)
	}
	if handled != 1 {
		t.Fatalf("missed post recorded %d times", handled)
	}
	var ins int
	if err := d.db.Get(&ins, `SELECT count(*) FROM messages WHERE channel = 'mattermost' AND direction = 'in'`); err != nil {
		t.Fatal(err)
	}
	if ins != 2 {
		t.Fatalf("%d inbound messages, want the two the user wrote", ins)
	}
	if strings.Contains(reply.Message, "smart card") {
		t.Fatalf("the first question was answered again: %q", reply.Message)
	}
}
