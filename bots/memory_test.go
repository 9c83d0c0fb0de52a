// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"sync"
	"testing"
)

// The in-process channel keeps each conversation's replies in the order
// sent, apart per conversation key, safely from several goroutines.
func TestMemoryKeepsRepliesPerConversation(t *testing.T) {
	m := NewMemory()
	if m.Total() != 0 || len(m.Replies("a")) != 0 {
		t.Fatal("a new Memory is not empty")
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := m.Send(t.Context(), Outbound{ConversationKey: "b", Reply: Reply{Text: "x"}}); err != nil {
				t.Error(err)
			}
		}()
	}
	for _, s := range []string{"uno", "due", "tre"} {
		if err := m.Send(t.Context(), Outbound{ConversationKey: "a", Reply: Reply{Text: s}}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	got := m.Replies("a")
	if len(got) != 3 || got[0].Reply.Text != "uno" || got[2].Reply.Text != "tre" {
		t.Fatalf("replies of a = %+v", got)
	}
	if len(m.Replies("b")) != 10 || m.Total() != 13 {
		t.Fatalf("b has %d, total %d; want 10 and 13", len(m.Replies("b")), m.Total())
	}
	got[0].Reply.Text = "changed"
	if m.Replies("a")[0].Reply.Text != "uno" {
		t.Error("Replies hands out the Memory's own slice")
	}
}
