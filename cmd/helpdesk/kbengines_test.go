// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
)

// serveDeps lists the packages the helpdesk binary links, built with tags.
func serveDeps(t *testing.T, tags string) []string {
	t.Helper()
	args := []string{"list", "-deps"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	out, err := exec.Command("go", append(args, ".")...).Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out))
}

// bleveOf returns the packages of bleve and its own modules in deps. The
// Snowball stemmers nlp uses live under github.com/blevesearch too but are
// one small module of their own, without bleve.
func bleveOf(deps []string) []string {
	var out []string
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/blevesearch/") && !strings.HasPrefix(p, "github.com/blevesearch/snowballstem") {
			out = append(out, p)
		}
	}
	return out
}

// The serve binary carries no comparison engine: bleve and its modules
// come in only with -tags kbeval (which shows this check sees them).
func TestServeLinksNoBleve(t *testing.T) {
	if got := bleveOf(serveDeps(t, "")); len(got) > 0 {
		t.Errorf("cmd/helpdesk links bleve (%d packages, e.g. %s): the comparison engines belong behind -tags kbeval", len(got), got[0])
	}
	if got := bleveOf(serveDeps(t, "kbeval")); !strings.Contains(strings.Join(got, " "), "github.com/blevesearch/bleve/v2") {
		t.Errorf("with -tags kbeval bleve must be linked; got %v", got)
	}
}

// kb eval --engine postgres|bleve runs in a binary built with -tags
// kbeval, and elsewhere says how to get one.
func TestKBEvalComparisonEngines(t *testing.T) {
	environ := []string{"DATABASE_URL=" + testdb.ServerURL(t), "HELPDESK_DATA_DIR=" + t.TempDir()}
	queries := writeCases(t, `{"query": "il lettore non legge la tessera", "lang": "it", "expected": ["lettore-smartcard"]}`)
	for _, engine := range []string{"postgres", "bleve"} {
		t.Run(engine, func(t *testing.T) {
			out, errOut, code := runKBCmd(t, environ, "eval", "--kb", "../../kb/testdata/content", "--queries", queries, "--engine", engine)
			if comparisonEngines {
				if code != 0 || !strings.Contains(out, "engine "+engine) {
					t.Errorf("exit %d, out %q, err %q", code, out, errOut)
				}
				return
			}
			if code == 0 || !strings.Contains(errOut, "go run -tags kbeval ./cmd/helpdesk kb eval … --engine "+engine) {
				t.Errorf("without the tag: exit %d, err %q", code, errOut)
			}
		})
	}
}

var comparisonRun = regexp.MustCompile(`kb eval .*--engine (bleve|postgres)\b`)

// Every documented run of a comparison engine is one that works: built
// with the tag.
func TestDocumentedComparisonRunsHaveTheTag(t *testing.T) {
	files := []string{"../../README.md"}
	more, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !comparisonRun.MatchString(line) {
				continue
			}
			seen++
			if !strings.Contains(line, "go run -tags kbeval ./cmd/helpdesk kb eval") {
				t.Errorf("%s: %q runs a comparison engine without -tags kbeval", f, line)
			}
		}
	}
	if seen < 2 {
		t.Errorf("%d documented comparison runs found: docs/kb-search.md shows two", seen)
	}
}
