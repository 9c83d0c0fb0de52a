// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
	"helpdesk/kb"
)

func TestKBCalibrateCommand(t *testing.T) {
	environ := []string{"DATABASE_URL=" + testdb.ServerURL(t), "HELPDESK_DATA_DIR=" + t.TempDir()}
	queries := writeCases(t,
		`{"query": "il lettore non legge la tessera", "lang": "it", "expected": ["lettore-smartcard"]}`,
		`{"query": "lettore smart card", "lang": "it", "expected": ["lettore-smartcard"]}`,
		`{"query": "ho dimenticato la password", "lang": "it", "expected": ["reset-password"]}`,
		`{"query": "password dimenticata", "lang": "it", "expected": ["reset-password"]}`,
		`{"query": "vpn non va", "lang": "it", "expected": ["vpn-non-si-connette"]}`,
		`{"query": "stampante di rete nuova", "lang": "it", "expected": ["stampante-rete"]}`,
		`{"query": "card reader does not see my smartcard", "lang": "en", "expected": ["smartcard-reader"]}`,
		`{"query": "forgot password", "lang": "en", "expected": ["password-reset"]}`,
		`{"query": "prenotare una visita al cup", "lang": "it", "expected": [], "uncovered": true}`,
		`{"query": "ricetta della torta di mele", "lang": "it", "expected": []}`,
	)
	out := filepath.Join(t.TempDir(), "calibration.json")
	stdout, errOut, code := runKBCmd(t, environ, "calibrate", "--kb", "../../kb/testdata/content", "--queries", queries, "--folds", "2", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"fitted on 10 queries", "cross-validated, threshold", "| confidence | hits | expected"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("report lacks %q: %s", w, stdout)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kb.ParseCalibration(b)
	if err != nil || c == nil || c.Folds != 2 || len(c.Operating) != 99 || len(c.FittedOn) != 1 {
		t.Fatalf("written model: %v %+v", err, c)
	}

	// A held-out set is refused: it is for judging.
	held := filepath.Join(t.TempDir(), "kb-holdout-x.jsonl")
	os.WriteFile(held, []byte(`{"query": "vpn", "lang": "it", "expected": ["vpn-non-si-connette"]}`+"\n"), 0o644)
	if _, errOut, code := runKBCmd(t, environ, "calibrate", "--kb", "../../kb/testdata/content", "--queries", held); code == 0 || !strings.Contains(errOut, "held-out") {
		t.Errorf("held-out file accepted: exit %d %s", code, errOut)
	}
	if _, _, code := runKBCmd(t, environ, "calibrate", "--kb", "../../kb/testdata/content", "--queries", queries, "--folds", "1"); code == 0 {
		t.Error("one fold accepted")
	}
}

// readEvalFiles merges the files in order; a missing file or a bad line
// fails, naming the file.
func TestReadEvalFiles(t *testing.T) {
	a := writeCases(t, `{"query": "vpn non va", "lang": "it", "expected": ["vpn-non-si-connette"]}`)
	b := writeCases(t, `{"query": "forgot password", "lang": "en", "expected": ["password-reset"]}`,
		`{"query": "ricetta della torta", "lang": "it", "expected": []}`)
	qs, err := readEvalFiles([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 3 || qs[0].Query != "vpn non va" || qs[2].Lang != "it" || len(qs[2].Expected) != 0 {
		t.Fatalf("read %+v", qs)
	}
	if _, err := readEvalFiles([]string{a, filepath.Join(t.TempDir(), "none.jsonl")}); err == nil {
		t.Fatal("a missing file was read")
	}
	bad := writeCases(t, `{"query": "vpn", "lang": "it", "expected": ["x"]}`, `{"query": `)
	if _, err := readEvalFiles([]string{bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("a bad line: %v, want an error naming %s", err, bad)
	}
}
