// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"testing"

	"helpdesk/internal/testdb"
)

func newTestStore(t testing.TB) *Store {
	t.Helper()
	s, err := NewStore(testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sampleEntry(id string) Entry {
	return Entry{
		ID: id, Kind: KindFAQ, Lang: LangIT, Title: "La stampante non stampa",
		Questions: []string{"la stampante è ferma", "non esce il foglio"},
		Category:  "Ufficio/Stampanti", Tags: []string{"stampante"},
		Body: "Spegnere e riaccendere la stampante.\n\nControllare la carta.",
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
