// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"helpdesk/agents"
)

// TestConcurrentTake: two agents press Take on the same conversation at
// the same moment through the console; exactly one gets it, the other
// is told someone else has it. Real engine, no browser.
func TestConcurrentTake(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ids := map[string]int64{"anna": d.addUser("anna", agents.RoleAgentL1), "bea": d.addUser("bea", agents.RoleAgentL1)}
	anna, bea := d.login("anna"), d.login("bea")
	for round := 0; round < 5; round++ {
		conv := d.queue(fmt.Sprintf("race-%d", round))
		path := fmt.Sprintf("/console/conversations/%d/take?lang=en", conv)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		bodies := make([]string, 2)
		start := make(chan struct{})
		for i, c := range []*client{anna, bea} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i], bodies[i], _ = c.post(path, nil)
			}()
		}
		close(start)
		wg.Wait()
		got := append([]int(nil), codes...)
		sort.Ints(got)
		if got[0] != http.StatusSeeOther || got[1] != http.StatusConflict {
			t.Fatalf("round %d: statuses %v, want one 303 and one 409", round, codes)
		}
		loser := 0
		if codes[0] == http.StatusSeeOther {
			loser = 1
		}
		if !strings.Contains(bodies[loser], "Another agent already took") {
			t.Fatalf("round %d: the loser's page does not say why", round)
		}
		var holder int64
		if err := d.pool.Get(&holder, `SELECT agent_id FROM conversations WHERE id = $1`, conv); err != nil {
			t.Fatal(err)
		}
		winner := []string{"anna", "bea"}[1-loser]
		if holder != ids[winner] {
			t.Fatalf("round %d: held by %d, want %s (%d)", round, holder, winner, ids[winner])
		}
	}
}
