// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"testing"
	"time"

	"github.com/riverqueue/river"
)

// The idle job closes the conversations quiet for longer than After, and
// only those.
func TestCloseIdleWorker(t *testing.T) {
	h := newHarness(t)
	h.say("u-old", "old", "ciao")
	h.now = h.now.Add(45 * time.Minute)
	h.say("u-new", "new", "ciao")
	w := &CloseIdleWorker{Engine: h.engine, After: 30 * time.Minute}
	if err := w.Work(t.Context(), &river.Job[CloseIdleArgs]{}); err != nil {
		t.Fatal(err)
	}
	if c := h.conversation("old"); c.State != StateClosed {
		t.Errorf("quiet for 45 minutes: state %s, want closed", c.State)
	}
	if c := h.conversation("new"); c.State == StateClosed {
		t.Error("a conversation of this minute was closed")
	}
}

// The assignment job goes on until no agent has room, for both levels: a
// level-2 conversation goes to a level-2 agent, and what finds no room
// stays queued.
func TestAutoAssignWorker(t *testing.T) {
	h := newHarness(t)
	anna := h.agent("anna", "agent_l1", true)
	sara := h.agent("sara", "agent_l2", true)
	if _, err := h.db.Exec(`UPDATE users SET capacity = 1`); err != nil {
		t.Fatal(err)
	}
	first := h.queued("u-aw1", "aw1")
	h.now = h.now.Add(time.Minute)
	second := h.queued("u-aw2", "aw2")
	h.now = h.now.Add(time.Minute)
	upper := h.queued("u-aw3", "aw3")
	if _, err := h.db.Exec(`UPDATE conversations SET level = 2 WHERE id = $1`, upper.ID); err != nil {
		t.Fatal(err)
	}
	w := &AutoAssignWorker{Engine: h.engine}
	if err := w.Work(t.Context(), &river.Job[AutoAssignArgs]{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		id    int64
		agent *Agent
	}{
		{"the first level-1 conversation", first.ID, &anna},
		{"the second, with anna full", second.ID, nil},
		{"the level-2 one", upper.ID, &sara},
	} {
		c := h.conversationByID(tc.id)
		switch {
		case tc.agent == nil && (c.State != StateQueued || c.AgentID != nil):
			t.Errorf("%s: state %s agent %v, want still queued", tc.name, c.State, c.AgentID)
		case tc.agent != nil && (c.AgentID == nil || *c.AgentID != tc.agent.ID):
			t.Errorf("%s: agent %v, want %s", tc.name, c.AgentID, tc.agent.Name)
		}
	}
}
