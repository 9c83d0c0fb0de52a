// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"errors"
	"reflect"
	"testing"
)

func TestSynonymsFile(t *testing.T) {
	syn, err := ParseSynonyms([]byte("all:\n  - [smart card, CNS]\nit:\n  - [stampante, printer]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if syn.Count() != 2 {
		t.Fatalf("count = %d", syn.Count())
	}
	out, err := syn.Format()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSynonyms(out)
	if err != nil || !reflect.DeepEqual(syn, back) {
		t.Fatalf("round trip: %v\n%s", err, out)
	}
	for _, bad := range []string{"fr:\n  - [a, b]\n", "it:\n  - [solo]\n", "it: [a, b]\n", "- x"} {
		if _, err := ParseSynonyms([]byte(bad)); !errors.Is(err, ErrFormat) {
			t.Errorf("ParseSynonyms(%q) err = %v", bad, err)
		}
	}
}
