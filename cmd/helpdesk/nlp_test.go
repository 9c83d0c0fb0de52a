// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb, nil)
	return out.String(), errb.String(), code
}

func writeCases(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cases.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNLPSeverityEvalJSON(t *testing.T) {
	p := writeCases(t,
		`{"text": "Tutto l'ufficio è senza rete, nessuno riesce a lavorare", "lang": "it", "urgency": "high", "impact": "high", "priority": "P1", "type": "incident"}`,
		`{"text": "Come si imposta la firma nelle email?", "lang": "it", "urgency": "low", "impact": "low", "priority": "P4", "type": "question"}`,
		`{"text": "It would be nice to have the FAQ in English too", "lang": "en", "urgency": "low", "impact": "low", "priority": "P4", "type": "suggestion"}`,
	)
	out, errs, code := runCmd(t, "nlp", "severity-eval", "--cases", p, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]float64
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"cases", "impact_f1", "priority_accuracy", "priority_f1", "type_f1", "urgency_f1"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if got["cases"] != 3 {
		t.Errorf("cases = %v", got["cases"])
	}
	for _, k := range want[1:] {
		if got[k] < 0 || got[k] > 1 {
			t.Errorf("%s = %v out of [0,1]", k, got[k])
		}
	}
}

func TestNLPSeverityEvalText(t *testing.T) {
	p := writeCases(t, `{"text": "vorrei un mouse nuovo", "lang": "it", "urgency": "low", "impact": "low", "priority": "P4", "type": "request"}`)
	out, errs, code := runCmd(t, "nlp", "severity-eval", "--cases", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"urgency: accuracy", "impact: accuracy", "priority: accuracy", "type: accuracy", "gold\\pred", "P1"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestNLPIntentEval(t *testing.T) {
	p := writeCases(t,
		`{"text": "a che punto è il ticket HD-2026-000123", "lang": "it", "intent": "ticket_status", "ticket": "HD-2026-000123"}`,
		`{"text": "grazie mille", "lang": "it", "intent": "thanks_bye", "ticket": ""}`,
		`{"text": "tell me a joke", "lang": "en", "intent": "smalltalk", "ticket": ""}`,
		`{"text": "stato 42", "lang": "it", "intent": "ticket_status", "ticket": "42"}`,
	)
	out, errs, code := runCmd(t, "nlp", "intent-eval", "--cases", p, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Cases          int     `json:"cases"`
		Accuracy       float64 `json:"accuracy"`
		TicketAccuracy float64 `json:"ticket_accuracy"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Cases != 4 || got.Accuracy != 1 || got.TicketAccuracy != 1 {
		t.Errorf("got %+v", got)
	}
}

func TestNLPUsageErrors(t *testing.T) {
	bad := writeCases(t, `{"text": "x", "lang": "it", "urgency": "critical", "impact": "low", "type": "incident"}`)
	for name, args := range map[string][]string{
		"no verb":        {"nlp"},
		"unknown verb":   {"nlp", "translate"},
		"no cases":       {"nlp", "severity-eval"},
		"missing file":   {"nlp", "severity-eval", "--cases", filepath.Join(t.TempDir(), "nope.jsonl")},
		"bad label":      {"nlp", "severity-eval", "--cases", bad},
		"classify empty": {"nlp", "classify"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, code := runCmd(t, args...); code == 0 {
				t.Error("exit 0")
			}
		})
	}
}

// TestNLPSeverityEvalLearn: --learn trains on extra cases with the shipped
// data before scoring; a scored case that is also a training case is left
// out; a file with every case trained on is refused.
func TestNLPSeverityEvalLearn(t *testing.T) {
	// The desk's jargon: "zorblat" is its word for the whole clinic's
	// system down. The shipped data never saw it.
	scored := writeCases(t,
		`{"text": "zorblat anche oggi", "lang": "it", "urgency": "high", "impact": "high", "priority": "P1", "type": "incident"}`,
		`{"text": "zorblat in corso", "lang": "it", "urgency": "high", "impact": "high", "priority": "P1", "type": "incident"}`)
	var extra []string
	for _, w := range []string{"di nuovo", "stamattina", "ancora", "adesso", "da ieri", "al piano terra", "in ambulatorio", "segnalato", "anche oggi"} {
		extra = append(extra, `{"text": "zorblat `+w+`", "lang": "it", "urgency": "high", "impact": "high", "priority": "P1", "type": "incident"}`)
	}
	learn := writeCases(t, extra...)
	priority := func(args ...string) (float64, string) {
		t.Helper()
		out, errs, code := runCmd(t, append([]string{"nlp", "severity-eval", "--cases", scored, "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var got map[string]float64
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v in %q", err, out)
		}
		return got["priority_accuracy"], errs
	}
	before, _ := priority()
	after, errs := priority("--learn", learn)
	if before != 0 || after != 1 || !strings.Contains(errs, "extra cases; 1 scored cases left out as trained on") {
		t.Errorf("priority accuracy %.2f without, %.2f with the extra cases (want 0 → 1); stderr %q", before, after, errs)
	}
	if _, _, code := runCmd(t, "nlp", "severity-eval", "--cases", scored, "--learn", scored); code == 0 {
		t.Error("every scored case trained on: exit 0")
	}
}
