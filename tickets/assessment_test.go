// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// assessmentMigration is the migration that moved the bot's text out of
// descriptions (internal/db/migrations/00155_ticket_assessment.sql).
const assessmentMigration = 155

// TestAssessmentMigrationKeepsOldTicketsReadable: tickets written before
// the assessment had a column of its own carry the bot's text at the end
// of their description; the migration moves it into the column, leaving
// the requester's words, and its Down puts it back.
func TestAssessmentMigrationKeepsOldTicketsReadable(t *testing.T) {
	ctx := context.Background()
	server := testdb.ServerURL(t)
	admin, err := sqlx.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("tickets_mig_%d_%d", assessmentMigration, os.Getpid())
	admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	u, _ := url.Parse(server)
	u.Path = "/" + name
	pool, err := db.Open(ctx, u.String(), db.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, pool.DB, db.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, assessmentMigration-1); err != nil {
		t.Fatal(err)
	}
	old := map[string]string{
		"full": "Il programma di ricette si chiude da solo\n\n[Cerca nelle guide] ricetta elettronica" +
			"\n\nKB: ricetta-dem, cartella-cache\n\nseverity: urgency=high impact=low (word \"ricett\"; blocked: \"non riesco\")",
		"severity only": "La stampante non stampa\n\nseverity: urgency=medium impact=low ()",
		"a person's":    "Telefonata: il badge non apre la porta. KB: nessuna",
	}
	for number, desc := range old {
		if _, err := pool.ExecContext(ctx, `INSERT INTO tickets (number, origin_channel, subject, description, type,
			urgency, impact, priority, level, state, created_at, updated_at)
			VALUES ($1, 'memory', 'oggetto', $2, 'incident', 'high', 'low', 'P2', 1, 'new', now(), now())`, number, desc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.UpTo(ctx, assessmentMigration); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		desc string
		a    Assessment
	}{
		"full": {"Il programma di ricette si chiude da solo", Assessment{Urgency: "high", Impact: "low",
			Why: []string{`word "ricett"`, `blocked: "non riesco"`}, Query: "ricetta elettronica", Tried: []string{"ricetta-dem", "cartella-cache"}}},
		"severity only": {"La stampante non stampa", Assessment{Urgency: "medium", Impact: "low"}},
		"a person's":    {old["a person's"], Assessment{}},
	}
	for number, w := range want {
		var got struct {
			Description string     `db:"description"`
			Assessment  Assessment `db:"assessment"`
		}
		if err := pool.GetContext(ctx, &got, `SELECT description, assessment FROM tickets WHERE number = $1`, number); err != nil {
			t.Fatal(err)
		}
		if got.Description != w.desc || !reflect.DeepEqual(got.Assessment, w.a) {
			t.Errorf("%s: description %q assessment %+v, want %q %+v", number, got.Description, got.Assessment, w.desc, w.a)
		}
	}
	if _, err := p.DownTo(ctx, assessmentMigration-1); err != nil {
		t.Fatal(err)
	}
	var back string
	if err := pool.GetContext(ctx, &back, `SELECT description FROM tickets WHERE number = 'full'`); err != nil {
		t.Fatal(err)
	}
	if back != old["full"] {
		t.Errorf("after Down the description is %q, want it as it was: %q", back, old["full"])
	}
}
