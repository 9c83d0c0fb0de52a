// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
)

// insertTickets adds n tickets cheaply, spread over states, priorities,
// levels, groups and channels by id.
func insertTickets(t testing.TB, pool *sqlx.DB, n int) {
	t.Helper()
	_, err := pool.Exec(`INSERT INTO tickets (number, origin_channel, subject, type, urgency, impact, priority, level, group_name, state, created_at, updated_at)
SELECT 'HD-2026-' || lpad(g::text, 7, '0'),
       (ARRAY['web','email','telegram','slack'])[1 + g % 4],
       'Problema numero ' || g || CASE WHEN g % 97 = 0 THEN ' stampante' ELSE '' END,
       'incident', 'medium', 'low',
       (ARRAY['P1','P2','P3','P4'])[1 + g % 4],
       1 + (g % 5 = 0)::int,
       (ARRAY['desk','rete','sanità'])[1 + g % 3],
       (ARRAY['new','open','resolved','closed','waiting_requester'])[1 + g % 5],
       now() - (g || ' minutes')::interval, now()
FROM generate_series(1, $1) g`, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(`ANALYZE tickets`); err != nil {
		t.Fatal(err)
	}
}

// TestTicketKeysetPaging walks every page of several filters and checks
// that each ticket matching the filter comes exactly once, newest first.
func TestTicketKeysetPaging(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	insertTickets(t, d.pool, 1000)
	ctx := context.Background()
	c := d.c
	cases := []struct {
		name  string
		f     TicketFilter
		where string
	}{
		{"all", TicketFilter{}, "true"},
		{"state", TicketFilter{State: "open"}, "state = 'open'"},
		{"priority+level", TicketFilter{Priority: "P2", Level: 2}, "priority = 'P2' AND level = 2"},
		{"group+channel", TicketFilter{Group: "rete", Channel: "email"}, "group_name = 'rete' AND origin_channel = 'email'"},
		{"text", TicketFilter{Text: "stampante"}, "subject ILIKE '%stampante%'"},
		{"number", TicketFilter{Text: "hd-2026-0000042"}, "number = 'HD-2026-0000042'"},
		{"nothing", TicketFilter{State: "cancelled"}, "state = 'cancelled'"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var want []int64
			if err := d.pool.Select(&want, `SELECT id FROM tickets WHERE `+tt.where+` ORDER BY id DESC`); err != nil {
				t.Fatal(err)
			}
			var got []int64
			after := int64(0)
			for pages := 0; ; pages++ {
				rows, more, err := c.ticketRows(ctx, tt.f, after, 37)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) > 37 || (more && len(rows) != 37) {
					t.Fatalf("page %d: %d rows, more=%v", pages, len(rows), more)
				}
				for _, r := range rows {
					got = append(got, r.ID)
				}
				if !more {
					break
				}
				after = rows[len(rows)-1].ID
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("paged %d ids, want %d (first %v vs %v)", len(got), len(want), head(got), head(want))
			}
		})
	}
}

func head(xs []int64) []int64 { return xs[:min(len(xs), 5)] }

var nextLink = regexp.MustCompile(`href="(/console/tickets\?[^"]*after=[0-9]+[^"]*)"`)

func TestTicketListPages(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	insertTickets(t, d.pool, 120)
	anna := d.session("anna", agents.RoleAgentL1)
	seen := map[string]bool{}
	path := "/console/tickets?state=open&lang=en"
	for i := 0; path != ""; i++ {
		w := d.serve(anna, "GET /console/tickets", d.c.TicketList, "GET", path, nil)
		code, body := w.Code, w.Body.String()
		if code != 200 {
			t.Fatalf("%s = %d", path, code)
		}
		for _, m := range regexp.MustCompile(`>(HD-2026-[0-9]+)<`).FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("%s twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := nextLink.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(path, "state=open") {
				t.Fatalf("next link %q lost the filter", path)
			}
		}
	}
	if len(seen) != 24 { // ids with g % 5 == 1
		t.Fatalf("saw %d open tickets, want 24", len(seen))
	}
}
