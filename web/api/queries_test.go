// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// tickets-page: each filter narrows, an empty one matches everything,
// the cursor starts after an id, newest first, at most the limit.
func TestTicketsPageQuery(t *testing.T) {
	t.Parallel()
	q, err := loadAPIQueries()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(q.TicketsPage, "FROM tickets") {
		t.Fatalf("tickets-page not loaded: %q", q.TicketsPage)
	}
	f := newFixture(t)
	ctx := context.Background()
	open := func(n tickets.NewTicket) int64 {
		t.Helper()
		var tk *tickets.Ticket
		if err := db.Tx(ctx, f.pool, func(tx *sqlx.Tx) error {
			var err error
			tk, err = f.api.tickets.Create(ctx, tx, "test", n)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return tk.ID
	}
	printer := open(tickets.NewTicket{OriginChannel: "web", Subject: "Printer jammed", Urgency: "high", Impact: "high"})
	vpn := open(tickets.NewTicket{OriginChannel: "phone", Subject: "VPN slow", Description: "the printer room too", Level: 2})
	mail := open(tickets.NewTicket{OriginChannel: "web", Subject: "New mailbox"})
	full := open(tickets.NewTicket{OriginChannel: "web", Subject: "Disk 100% full", Description: `C:\dati_2026 is full`})
	if _, err := f.api.tickets.Transition(ctx, f.pool, mail, "test", tickets.StateOpen); err != nil {
		t.Fatal(err)
	}
	var number string
	if err := f.pool.Get(&number, `SELECT number FROM tickets WHERE id = $1`, vpn); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name            string
		after           int64
		state, priority string
		level           int
		channel, text   string
		limit           int
		want            []int64
	}{
		{"all", 0, "", "", 0, "", "", 10, []int64{full, mail, vpn, printer}},
		{"limit", 0, "", "", 0, "", "", 2, []int64{full, mail}},
		{"after", mail, "", "", 0, "", "", 10, []int64{vpn, printer}},
		{"a % is a percent sign, not any text", 0, "", "", 0, "", "%", 10, []int64{full}},
		{"100% as written", 0, "", "", 0, "", "100% full", 10, []int64{full}},
		{"a _ is an underscore, not any one letter", 0, "", "", 0, "", "_", 10, []int64{full}},
		{"a backslash is a backslash", 0, "", "", 0, "", `c:\dati`, 10, []int64{full}},
		{"a _ never stands for a letter", 0, "", "", 0, "", "printer_jammed", 10, nil},
		{"after the last", printer, "", "", 0, "", "", 10, nil},
		{"state", 0, "open", "", 0, "", "", 10, []int64{mail}},
		{"priority", 0, "", "P1", 0, "", "", 10, []int64{printer}},
		{"level", 0, "", "", 2, "", "", 10, []int64{vpn}},
		{"channel", 0, "", "", 0, "web", "", 10, []int64{full, mail, printer}},
		{"text in the subject, any case", 0, "", "", 0, "", "PRINTER", 10, []int64{vpn, printer}},
		{"text in the description", 0, "", "", 0, "", "room", 10, []int64{vpn}},
		{"the number, lower case", 0, "", "", 0, "", strings.ToLower(number), 10, []int64{vpn}},
		{"two filters", 0, "", "", 0, "web", "printer", 10, []int64{printer}},
		{"nothing", 0, "", "", 0, "", "scanner", 10, nil},
	} {
		var page []tickets.Ticket
		if err := f.pool.SelectContext(ctx, &page, q.TicketsPage, c.after, c.state, c.priority, c.level, c.channel, c.text, c.limit); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []int64
		for _, tk := range page {
			got = append(got, tk.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
