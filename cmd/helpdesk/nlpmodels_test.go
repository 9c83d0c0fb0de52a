// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/testdb"
)

// TestNLPRetrainModelsUse: retrain stores a version from the agents'
// labels with its figures and the figures of the model in use, without
// switching; models lists it; use switches to it and back to the shipped
// model; a missing version or a bad argument is refused.
func TestNLPRetrainModelsUse(t *testing.T) {
	url := testdb.NewURL(t)
	environ := []string{"DATABASE_URL=" + url, "HELPDESK_DATA_DIR=" + t.TempDir()}
	cmd := func(args ...string) (string, string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"nlp"}, args...), strings.NewReader(""), &out, &errb, environ)
		return out.String(), errb.String(), code
	}
	pool, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// Labels as the console leaves them (tickets.Classify).
	for _, text := range []string{"zorblat di nuovo", "zorblat stamattina", "zorblat ancora"} {
		if _, err := pool.Exec(`INSERT INTO severity_labels (text, lang, urgency, impact, type, who) VALUES ($1, 'it', 'high', 'high', 'incident', 'user:anna')`, text); err != nil {
			t.Fatal(err)
		}
	}
	heldOut := writeCases(t,
		`{"text": "zorblat in corso", "lang": "it", "urgency": "high", "impact": "high", "priority": "P1", "type": "incident"}`,
		`{"text": "vorrei un mouse nuovo", "lang": "it", "urgency": "low", "impact": "low", "priority": "P4", "type": "request"}`)
	out, errs, code := cmd("retrain", "--cases", heldOut, "--by", "anna")
	if code != 0 {
		t.Fatalf("retrain: exit %d %s", code, errs)
	}
	for _, want := range []string{"version 1: shipped data + 3 labels from agents; figures on 2 held-out cases", "in use (shipped)", "new (version 1)", "not in use yet: helpdesk nlp use 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("retrain output lacks %q:\n%s", want, out)
		}
	}
	active := regexp.MustCompile(`(?m)^\* (\S+)`)
	models := func() string {
		t.Helper()
		out, errs, code := cmd("models")
		if code != 0 {
			t.Fatalf("models: exit %d %s", code, errs)
		}
		m := active.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no version marked in use:\n%s", out)
		}
		if !strings.Contains(out, " anna ") {
			t.Errorf("models does not say who retrained:\n%s", out)
		}
		if !strings.Contains(out, "labels from agents since the latest version: 0") {
			t.Errorf("models does not count the labels since the latest version:\n%s", out)
		}
		return m[1]
	}
	if got := models(); got != "shipped" {
		t.Errorf("in use after retrain: %s, want shipped (retrain does not switch)", got)
	}
	if out, errs, code := cmd("use", "1"); code != 0 || !strings.Contains(out, "in use: version 1") {
		t.Fatalf("use 1: exit %d %s %s", code, out, errs)
	}
	if got := models(); got != "1" {
		t.Errorf("in use after use 1: %s", got)
	}
	if _, _, code := cmd("use", "7"); code == 0 {
		t.Error("use of a missing version: exit 0")
	}
	if got := models(); got != "1" {
		t.Errorf("in use after a refused use: %s, want still 1", got)
	}
	if out, _, code := cmd("use", "shipped"); code != 0 || !strings.Contains(out, "in use: shipped") {
		t.Fatalf("use shipped: exit %d %s", code, out)
	}
	if got := models(); got != "shipped" {
		t.Errorf("in use after going back: %s", got)
	}
	for _, args := range [][]string{{"use"}, {"use", "-1"}, {"use", "one"}, {"models", "x"}, {"retrain", "extra"}} {
		if _, _, code := cmd(args...); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
	}
}
