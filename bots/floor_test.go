// SPDX-License-Identifier: EUPL-1.2

package bots

import "testing"

// The SQL floor runs the engine's two statements for every message: n
// messages in, n replies out, in one conversation per worker, and a rate.
func TestSQLFloor(t *testing.T) {
	h := newHarness(t)
	const workers, n = 2, 12
	rate, err := SQLFloor(t.Context(), h.db, h.tickets, workers, n)
	if err != nil {
		t.Fatal(err)
	}
	if rate <= 0 {
		t.Errorf("rate %v", rate)
	}
	var convs, in, out int
	if err := h.db.QueryRow(`SELECT count(DISTINCT conversation_id), count(*) FILTER (WHERE direction = 'in'),
		count(*) FILTER (WHERE direction = 'out') FROM messages WHERE channel = 'sqlfloor'`).Scan(&convs, &in, &out); err != nil {
		t.Fatal(err)
	}
	// Each worker's conversation starts with one message of its own.
	if convs != workers || in != n+workers || out != n {
		t.Errorf("%d conversations, %d in, %d out; want %d, %d, %d", convs, in, out, workers, n+workers, n)
	}
}

// The grouped floor runs perTx messages of as many conversations in each
// transaction: every message and reply is written, in workers × perTx
// conversations.
func TestSQLFloorGrouped(t *testing.T) {
	h := newHarness(t)
	const workers, n, perTx = 2, 12, 3
	rate, err := SQLFloorGrouped(t.Context(), h.db, h.tickets, workers, n, perTx)
	if err != nil {
		t.Fatal(err)
	}
	if rate <= 0 {
		t.Errorf("rate %v", rate)
	}
	var convs, in, out int
	if err := h.db.QueryRow(`SELECT count(DISTINCT conversation_id), count(*) FILTER (WHERE direction = 'in'),
		count(*) FILTER (WHERE direction = 'out') FROM messages WHERE channel = 'sqlfloor'`).Scan(&convs, &in, &out); err != nil {
		t.Fatal(err)
	}
	if convs != workers*perTx || in != n+workers*perTx || out != n {
		t.Errorf("%d conversations, %d in, %d out; want %d, %d, %d", convs, in, out, workers*perTx, n+workers*perTx, n)
	}
	// Messages of one transaction share it: n/perTx transactions wrote
	// the replies.
	var txs int
	if err := h.db.QueryRow(`SELECT count(DISTINCT xmin::text) FROM messages WHERE channel = 'sqlfloor' AND direction = 'out'`).Scan(&txs); err != nil {
		t.Fatal(err)
	}
	if txs != n/perTx {
		t.Errorf("replies written by %d transactions, want %d", txs, n/perTx)
	}
}
