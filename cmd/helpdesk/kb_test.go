// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
)

func runKBCmd(t *testing.T, environ []string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"kb"}, args...), strings.NewReader(""), &out, &errb, environ)
	return out.String(), errb.String(), code
}

func TestKBEvalJSON(t *testing.T) {
	environ := []string{"DATABASE_URL=" + testdb.ServerURL(t), "HELPDESK_DATA_DIR=" + t.TempDir()}
	queries := writeCases(t,
		`{"query": "il lettore non legge la tessera", "lang": "it", "expected": ["lettore-smartcard"]}`,
		`{"query": "card reader does not see my smartcard", "lang": "en", "expected": ["smartcard-reader"]}`,
		`{"query": "ho dimenticato la password", "lang": "it", "expected": ["reset-password"]}`,
		`{"query": "ricetta della torta di mele", "lang": "it", "expected": []}`,
	)
	// A fixed threshold: the calibrated one is fitted on the demo content,
	// not on this eight-entry knowledge base.
	out, errOut, code := runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, "--json", "--threshold", "0.3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	// The doc is the contract: every field it names is printed, and
	// nothing it does not name.
	documented := documentedEvalFields(t)
	for _, f := range documented {
		if _, ok := got[f]; !ok {
			t.Errorf("field %q documented in docs/kb-search.md but missing from %s", f, out)
		}
	}
	if len(got) != len(documented) {
		t.Errorf("keys = %v, documented %v", got, documented)
	}
	if got["queries"] != 4.0 || got["top1"] != 1.0 || got["hit_at_3"] != 1.0 || got["mrr_at_10"] != 1.0 || got["abstain_ok"] != 1.0 ||
		got["answered"] != 1.0 || got["precision"] != 1.0 || got["shown_hit"] != 1.0 || got["aurc"] != 0.0 || got["choices"] != 0.0 {
		t.Errorf("metrics = %v", got)
	}
	if got["uncovered_abstain_ok"] != nil {
		t.Errorf("uncovered_abstain_ok = %v with no uncovered query", got["uncovered_abstain_ok"])
	}

	// No out-of-scope query: abstain_ok is null.
	queries = writeCases(t, `{"query": "vpn da casa", "lang": "it", "expected": ["vpn-non-si-connette"]}`)
	out, _, code = runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, "--json")
	if code != 0 || !strings.Contains(out, `"abstain_ok":null`) {
		t.Errorf("exit %d, output %s", code, out)
	}

	// An uncovered query is counted on its own; a wrong confident first
	// hit shows in precision and in the risk-coverage area.
	uncov := writeCases(t,
		`{"query": "prenotare una visita al cup", "lang": "it", "expected": [], "uncovered": true}`,
		`{"query": "il lettore non legge la tessera", "lang": "it", "expected": ["reset-password"]}`,
		`{"query": "ho dimenticato la password", "lang": "it", "expected": ["reset-password"]}`)
	out, errOut, code = runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", uncov, "--json", "--misses", "--threshold", "0.3")
	got = nil
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s %s", code, err, out, errOut)
	}
	if got["uncovered_abstain_ok"] != 1.0 || got["answered"] != 1.0 || got["precision"] != 0.5 || got["aurc"] == 0.0 {
		t.Errorf("metrics = %v", got)
	}
	if !strings.Contains(errOut, "MISS") || !strings.Contains(errOut, "il lettore non legge la tessera") {
		t.Errorf("--misses does not list the wrong answer: %s", errOut)
	}

	out, errOut, code = runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", uncov, "--json", "--no-choices")
	if code != 0 || !strings.Contains(out, `"choices":0,`) {
		t.Errorf("--no-choices: exit %d, %s %s", code, out, errOut)
	}

	// Several files after --queries (a shell glob) are merged.
	more := writeCases(t, `{"query": "stampante di rete", "lang": "it", "expected": ["stampante-rete"]}`)
	out, errOut, code = runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, more, "--json")
	if code != 0 || !strings.Contains(out, `"queries":2`) {
		t.Errorf("two files: exit %d, output %s %s", code, out, errOut)
	}

	// The text report names every metric.
	out, _, code = runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries)
	for _, w := range []string{"top-1", "hit@3", "MRR@10", "abstain ok", "answered", "precision", "shown hit", "AURC"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("text report misses %q: %s", w, out)
		}
	}
}

// documentedEvalFields reads the field names of `kb eval --json` from the
// table between the eval-fields markers of docs/kb-search.md.
func documentedEvalFields(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/kb-search.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- eval-fields -->")
	table, _, ok2 := strings.Cut(rest, "<!-- /eval-fields -->")
	if !ok || !ok2 {
		t.Fatal("docs/kb-search.md has no eval-fields table")
	}
	var fields []string
	for _, line := range strings.Split(table, "\n") {
		if f, ok := strings.CutPrefix(line, "| `"); ok {
			name, _, _ := strings.Cut(f, "`")
			fields = append(fields, name)
		}
	}
	if len(fields) < 9 {
		t.Fatalf("eval-fields table lists %v", fields)
	}
	return fields
}

func TestKBImportExportCommands(t *testing.T) {
	environ := []string{"DATABASE_URL=" + testdb.NewURL(t), "HELPDESK_DATA_DIR=" + t.TempDir()}
	out, errOut, code := runKBCmd(t, environ, "import", "../../kb/testdata/content")
	if code != 0 || !strings.Contains(out, "created 8, updated 0, unchanged 0, rejected 0; 4 synonym groups") {
		t.Fatalf("import: exit %d, %q %q", code, out, errOut)
	}
	out, _, code = runKBCmd(t, environ, "import", "../../kb/testdata/content")
	if code != 0 || !strings.Contains(out, "unchanged 8") {
		t.Fatalf("re-import: exit %d, %q", code, out)
	}
	dir := t.TempDir()
	out, _, code = runKBCmd(t, environ, "export", dir)
	if code != 0 || !strings.Contains(out, "exported 8") {
		t.Fatalf("export: exit %d, %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "lettore-smartcard.md")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "broken.md"), []byte("---\nid: x\nkind: faq\nlang: it\ntitle: T\ncolour: red\n---\nbody\n"), 0o644)
	out, errOut, code = runKBCmd(t, environ, "import", dir)
	if code != 1 || !strings.Contains(errOut, "broken.md") || !strings.Contains(errOut, "colour: unknown key") || !strings.Contains(out, "unchanged 8") {
		t.Fatalf("import with a bad file: exit %d, %q %q", code, out, errOut)
	}
	out, _, code = runKBCmd(t, environ, "stats")
	if code != 0 || !strings.Contains(out, "most frequent queries with no confident answer") {
		t.Fatalf("stats: exit %d, %q", code, out)
	}
}

func TestKBUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"frob"}, {"import"}, {"eval", "--kb", "x"}} {
		if _, _, code := runKBCmd(t, nil, args...); code != 2 {
			t.Errorf("kb %v: exit %d, want 2", args, code)
		}
	}
}

func TestKBEvalLearn(t *testing.T) {
	environ := []string{"DATABASE_URL=" + testdb.ServerURL(t), "HELPDESK_DATA_DIR=" + t.TempDir()}
	// The replayed query itself is not scored; the other one shares with it
	// words the entry lacks ("coso", "arancione").
	queries := writeCases(t, `{"query": "il coso della tessera lampeggia arancione", "lang": "it", "expected": ["lettore-smartcard"]}
{"query": "coso arancione lampeggia sempre", "lang": "it", "expected": ["lettore-smartcard"]}`)
	confs := filepath.Join(t.TempDir(), "confirmed.jsonl")
	os.WriteFile(confs, []byte(`{"query": "il coso della tessera lampeggia arancione", "lang": "it", "entry": "lettore-smartcard"}`+"\n"), 0o644)
	out, errOut, code := runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, "--learn", confs, "--learn-min", "1", "--json")
	if code != 0 || !strings.Contains(errOut, "learned 1 phrasings and 0 terms from 1 confirmations; 1 replayed queries not evaluated") ||
		!strings.Contains(errOut, "of 1 in-scope queries evaluated, 1 share a word with a confirmation of their entry, 1 a word") ||
		!strings.Contains(out, `"queries":1,"top1":1,`) {
		t.Errorf("--learn: exit %d, %s %s", code, out, errOut)
	}
	// Without learning the unseen query is not answered with that entry.
	out, errOut, code = runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, "--json")
	if code != 0 || !strings.Contains(out, `"queries":2,"top1":0,`) {
		t.Errorf("without --learn: exit %d, %s %s", code, out, errOut)
	}
	// Two confirmations needed, one given: nothing learned.
	_, errOut, code = runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, "--learn", confs, "--learn-min", "2")
	if code != 0 || !strings.Contains(errOut, "learned 0 phrasings") {
		t.Errorf("--learn-min 2: exit %d, %s", code, errOut)
	}
	if _, errOut, code := runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, "--learn", confs, "--engine", "bleve"); code == 0 || !strings.Contains(errOut, "memory engine only") {
		t.Errorf("--learn with bleve: exit %d, %s", code, errOut)
	}
}
