// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"strings"
	"testing"
	"time"
)

// TestSolvedIsAConfirmation: "Risolto" after the bot's answer records the
// user's words as a confirmation of the entry shown, with its source and
// who pressed; "Non risolto" records none.
func TestSolvedIsAConfirmation(t *testing.T) {
	t.Parallel()
	eng, pool := newEngine(t)
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, eng, WithDB(pool))
	eng.RegisterSender("telegram", a)
	startRun(t, a)

	const user = 7012345001
	api.push(textUpdate(1000, 1, user, "it", "il lettore di smart card non legge la tessera"))
	answer := api.nextSent(t)
	solved := buttons(t, answer)["Risolto"]
	if solved == "" {
		t.Fatalf("no Risolto button: %s", answer.Fields["text"])
	}
	api.push(callbackUpdate(1001, "cbq-1001", user, solved))
	if thanks := api.nextSent(t); !strings.Contains(thanks.Fields["text"], "risolto") {
		t.Fatalf("after Risolto: %q", thanks.Fields["text"])
	}
	var rows []struct {
		Query  string `db:"query"`
		Lang   string `db:"lang"`
		Entry  string `db:"entry_slug"`
		Source string `db:"source"`
		Who    string `db:"who"`
	}
	if err := pool.Select(&rows, `SELECT query, lang, entry_slug, source, who FROM kb_confirmations`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Query != "il lettore di smart card non legge la tessera" || rows[0].Lang != "it" ||
		rows[0].Entry != "lettore-tessera" || rows[0].Source != "solved" || rows[0].Who != "7012345001" {
		t.Fatalf("confirmations after Risolto: %+v", rows)
	}

	// Another user says the answer did not help: no confirmation.
	const other = 7012345002
	api.push(textUpdate(1002, 1, other, "it", "il lettore di smart card non legge la tessera"))
	notSolved := buttons(t, api.nextSent(t))["Non risolto"]
	api.push(callbackUpdate(1003, "cbq-1003", other, notSolved))
	api.nextSent(t)
	var n int
	if err := pool.Get(&n, `SELECT count(*) FROM kb_confirmations`); err != nil || n != 1 {
		t.Fatalf("confirmations after Non risolto: %d, %v; want still 1", n, err)
	}
}
