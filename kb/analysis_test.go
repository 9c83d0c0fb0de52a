// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"reflect"
	"testing"
)

func TestBlocks(t *testing.T) {
	md := "# Titolo\n\nPrimo paragrafo\nsu due righe con un [link](https://x.example/a).\n\n1. Primo passo\n2. Secondo **passo**\n- voce `codice`\n\nVedi https://x.example/b per altro."
	want := []string{"Titolo", "Primo paragrafo su due righe con un link.", "Primo passo", "Secondo passo", "voce codice", "Vedi   per altro."}
	if got := blocks(md); !reflect.DeepEqual(got, want) {
		t.Fatalf("blocks = %q\nwant     %q", got, want)
	}
}

func TestAnalyzeQueryDropsFillers(t *testing.T) {
	got := analyzeQuery("it", "Buongiorno dottoressa, ho un problema: non riesco a stampare, grazie")
	if !reflect.DeepEqual(got, []string{"stamp"}) {
		t.Fatalf("got %q", got)
	}
	got = analyzeQuery("en", "Hi, please help: the printer doesn't work, thanks")
	if !reflect.DeepEqual(got, []string{"printer", "work"}) {
		t.Fatalf("got %q", got)
	}
}

func TestCut(t *testing.T) {
	if got := cut("uno due tre", 300); got != "uno due tre" {
		t.Errorf("short: %q", got)
	}
	if got := cut("parola parola parola parola", 15); got != "parola parola…" {
		t.Errorf("long: %q", got)
	}
}
