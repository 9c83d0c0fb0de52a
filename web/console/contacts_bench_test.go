// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"testing"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// BenchmarkRequesterLookup measures the contact page's type-ahead on a
// register of 200,000 requesters, a third with a telephone number:
//
//	go test ./web/console/ -run XXX -bench RequesterLookup -benchtime 50x
func BenchmarkRequesterLookup(b *testing.B) {
	pool := testdb.New(b)
	pool.MustExec(`INSERT INTO requesters (name, email)
		SELECT 'Persona ' || g || ' Cognome' || (g % 977), 'p' || g || '@ente' || (g % 50) || '.it' FROM generate_series(1, 200000) g`)
	pool.MustExec(`INSERT INTO requester_identities (channel, external_id, requester_id)
		SELECT 'phone', '+39' || (3000000000 + id * 7), id FROM requesters WHERE id % 3 = 0`)
	pool.MustExec(`ANALYZE requesters; ANALYZE requester_identities`)
	c := &Console{db: pool}
	if err := db.ScanQueries(&c.contactQ, contactQueryFS, "contacts.sql"); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, q string }{
		{"name-rare", "cognome97"},
		{"email", "p12345@"},
		{"phone-digits", "300 000 0147"},
		{"name-common", "cognome"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if ms, err := c.lookupRequesters(context.Background(), bc.q); err != nil || len(ms) == 0 {
					b.Fatalf("%d matches, %v", len(ms), err)
				}
			}
		})
	}
}
