// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"helpdesk/internal/testdb"
	"reflect"
	"strings"
	"testing"
)

// TestLoadQueries: every query the console names is in queries.sql, and
// each runs against the migrated schema (PostgreSQL parses and plans it).
func TestLoadQueries(t *testing.T) {
	t.Parallel()
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	pool := testdb.New(t)
	v := reflect.ValueOf(*q)
	for i := range v.NumField() {
		name, sql := v.Type().Field(i).Name, v.Field(i).String()
		if strings.TrimSpace(sql) == "" {
			t.Errorf("%s is empty", name)
			continue
		}
		if _, err := pool.Preparex(sql); err != nil {
			t.Errorf("%s does not prepare: %v", name, err)
		}
	}
}

// TestTicketsPageText: the list's text is looked for as written: a % or _
// typed by an agent is that character, never a wildcard.
func TestTicketsPageText(t *testing.T) {
	t.Parallel()
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	pool := testdb.New(t)
	if _, err := pool.Exec(`INSERT INTO tickets (number, origin_channel, subject, type, urgency, impact, priority, level, group_name, state, created_at, updated_at)
		VALUES ('HD-2026-0000001', 'web', 'Disco pieno al 100%', 'incident', 'medium', 'low', 'P3', 1, 'desk', 'open', now(), now()),
		       ('HD-2026-0000002', 'web', 'Stampante bloccata', 'incident', 'medium', 'low', 'P3', 1, 'desk', 'open', now(), now()),
		       ('HD-2026-0000003', 'web', 'Cartella C:\dati_2026 sparita', 'incident', 'medium', 'low', 'P3', 1, 'desk', 'open', now(), now())`); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"%":                  "HD-2026-0000001",
		"100%":               "HD-2026-0000001",
		"_":                  "HD-2026-0000003",
		`c:\dati`:            "HD-2026-0000003",
		"stampante_bloccata": "",
		"STAMPANTE":          "HD-2026-0000002",
	} {
		var got []string
		if err := pool.Select(&got, "SELECT number FROM ("+strings.TrimSuffix(strings.TrimSpace(q.TicketsPage), ";")+") p",
			pageArgs(TicketFilter{Text: text}, 0, 10)...); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("text %q found %v, want %q", text, got, want)
		}
	}
}
