// SPDX-License-Identifier: EUPL-1.2

package layout

import (
	"bufio"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "helpdesk"

// rule is one row of the package table in docs/architecture.md: the
// packages it covers (a path, or "dir/*" for every package under dir) and
// what they may import of ours.
type rule struct {
	pattern string
	allowed []string
}

func (r rule) covers(pkg string) bool {
	return match(r.pattern, pkg)
}

func match(pattern, pkg string) bool {
	if dir, ok := strings.CutSuffix(pattern, "/*"); ok {
		return strings.HasPrefix(pkg, dir+"/")
	}
	return pattern == pkg
}

// rowCells reads a Markdown table row's cells.
var codeSpan = regexp.MustCompile("`([^`]+)`")

// readRules reads the table under the heading "## Packages" of
// docs/architecture.md: first column the package, last the imports.
func readRules(t *testing.T) []rule {
	t.Helper()
	f, err := os.Open(filepath.Join(root(t), "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rules []rule
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "## ") {
			in = strings.HasPrefix(line, "## Packages")
			continue
		}
		if !in || !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 3 {
			continue
		}
		pkg := codeSpan.FindStringSubmatch(cells[0])
		if pkg == nil {
			continue // the header and its rule line
		}
		r := rule{pattern: pkg[1]}
		for _, m := range codeSpan.FindAllStringSubmatch(cells[len(cells)-1], -1) {
			r.allowed = append(r.allowed, m[1])
		}
		rules = append(rules, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		t.Fatal("docs/architecture.md has no package table under \"## Packages\"")
	}
	return rules
}

// ruleOf is the most specific rule covering pkg: its own row before a
// "dir/*" row.
func ruleOf(rules []rule, pkg string) (rule, bool) {
	best, found := rule{}, false
	for _, r := range rules {
		if !r.covers(pkg) {
			continue
		}
		if !found || len(r.pattern) > len(best.pattern) || !strings.HasSuffix(r.pattern, "/*") && strings.HasSuffix(best.pattern, "/*") {
			best, found = r, true
		}
	}
	return best, found
}

// packages lists every package of the module with the module's packages
// it imports (tests' imports excluded: a test may reach further).
func packages(t *testing.T) map[string][]string {
	t.Helper()
	// go test puts its own go first on PATH.
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], module+"/")
		pkgs[pkg] = nil
		for _, imp := range f[1:] {
			if rest, ok := strings.CutPrefix(imp, module+"/"); ok {
				pkgs[pkg] = append(pkgs[pkg], rest)
			}
		}
	}
	return pkgs
}

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImportRule: every package is in docs/architecture.md's table and
// imports only what its row allows; every row names packages that exist.
func TestImportRule(t *testing.T) {
	rules := readRules(t)
	pkgs := packages(t)
	for pkg, imports := range pkgs {
		r, ok := ruleOf(rules, pkg)
		if !ok {
			t.Errorf("package %s is not in docs/architecture.md's package table", pkg)
			continue
		}
		for _, imp := range imports {
			if !slices.ContainsFunc(r.allowed, func(a string) bool { return match(a, imp) }) {
				t.Errorf("%s imports %s: docs/architecture.md's row %q allows only %v", pkg, imp, r.pattern, r.allowed)
			}
		}
	}
	for _, r := range rules {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(pkgs)), r.covers) {
			t.Errorf("docs/architecture.md lists %q, which is no package", r.pattern)
		}
	}
}

// TestRuleReader: the reader of the table applies rows as the document
// says, so a wrong layout cannot pass by a misread table.
func TestRuleReader(t *testing.T) {
	rules := []rule{{pattern: "internal/*", allowed: []string{"internal/*"}}, {pattern: "internal/llm", allowed: []string{"internal/config"}}, {pattern: "nlp"}}
	if r, _ := ruleOf(rules, "internal/llm"); r.pattern != "internal/llm" {
		t.Errorf("internal/llm ruled by %q", r.pattern)
	}
	if r, _ := ruleOf(rules, "internal/db"); r.pattern != "internal/*" {
		t.Errorf("internal/db ruled by %q", r.pattern)
	}
	if _, ok := ruleOf(rules, "bots"); ok {
		t.Error("bots found a rule")
	}
	if match("internal/*", "internal") || !match("internal/*", "internal/llm/llmtest") || match("kb", "kb/kbeval") {
		t.Error("patterns match wrongly")
	}
}
