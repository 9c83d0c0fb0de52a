// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
)

// BenchmarkTicketPage measures one page of the console's ticket list on a
// table of HELPDESK_BENCH_TICKETS tickets (default 1,000,000), for the
// filters agents use, at the first page and deep in the list. With -v it
// logs each query's plan (EXPLAIN ANALYZE) for docs/console.md.
//
//	go test ./web/console/ -run '^$' -bench TicketPage -benchtime 200x -v
func BenchmarkTicketPage(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("HELPDESK_BENCH_TICKETS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	pool := testdb.New(b)
	insertTickets(b, pool, n)
	c, err := New(Options{Pool: pool, Logger: slog.Default()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	deep := int64(n / 2) // the middle of the list: an OFFSET would read n/2 rows
	cases := []struct {
		name  string
		f     TicketFilter
		after int64
	}{
		{"all/first", TicketFilter{}, 0},
		{"all/deep", TicketFilter{}, deep},
		{"state/first", TicketFilter{State: "open"}, 0},
		{"state/deep", TicketFilter{State: "open"}, deep},
		{"state+priority+level/first", TicketFilter{State: "open", Priority: "P2", Level: 1}, 0},
		{"state+priority+level/no-match", TicketFilter{State: "open", Priority: "P2", Level: 2}, 0},
		{"group+channel/deep", TicketFilter{Group: "rete", Channel: "email"}, deep},
		{"text-rare/first", TicketFilter{Text: "stampante"}, 0},
		{"text-common/first", TicketFilter{Text: "problema"}, 0},
		{"number/first", TicketFilter{Text: "HD-2026-0123456"}, 0},
		{"rare-state/first", TicketFilter{State: "cancelled"}, 0},
	}
	for _, tt := range cases {
		if testing.Verbose() {
			var plan []string
			if err := pool.SelectContext(ctx, &plan, "EXPLAIN (ANALYZE, BUFFERS) "+c.q.TicketsPage, pageArgs(tt.f, tt.after, 51)...); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s:\n%s", tt.name, strings.Join(plan, "\n"))
		}
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := c.ticketRows(ctx, tt.f, tt.after, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	fmt.Fprintf(os.Stderr, "tickets in table: %d\n", n)
}
