// SPDX-License-Identifier: EUPL-1.2

package layout

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// writeStmt finds the table a statement writes: INSERT INTO t, UPDATE t,
// DELETE FROM t. The word before is kept to drop "FOR UPDATE" and
// "DO UPDATE SET" (ON CONFLICT), which name no table.
var writeStmt = regexp.MustCompile(`(?i)(\w+\s+)?\b(insert\s+into|update|delete\s+from)\s+(?:only\s+)?([a-z_][a-z0-9_]*)`)

// sqlComment is a SQL line comment: prose there ("… update the ticket")
// is no statement.
var sqlComment = regexp.MustCompile(`--[^\n]*`)

// writes returns the tables the SQL text writes.
func writes(sql string) []string {
	var out []string
	for _, m := range writeStmt.FindAllStringSubmatch(sqlComment.ReplaceAllString(sql, ""), -1) {
		before, table := strings.ToLower(strings.TrimSpace(m[1])), strings.ToLower(m[3])
		if before == "for" || before == "do" || table == "set" {
			continue
		}
		out = append(out, table)
	}
	return out
}

// walkSQL calls fn with every piece of SQL of the module's code: each
// .sql file beside the Go code (pkg is its directory under root) and each
// string literal of the non-test Go files. Tests are left out: a fixture
// may seed any table. So are the migrations, which make every table. SQL
// put together at run time (fmt.Sprintf of a table name) is not seen;
// docs/architecture-tables.md names the one place that does it
// (db.Erasure).
func walkSQL(t *testing.T, root string, fn func(pkg, where, sql string)) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			base := d.Name()
			if rel != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "node_modules" || rel == filepath.Join("internal", "db", "migrations")) {
				return filepath.SkipDir
			}
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(rel))
		switch {
		case strings.HasSuffix(path, ".sql"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fn(pkg, filepath.ToSlash(rel), string(b))
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				if s, err := strconv.Unquote(lit.Value); err == nil {
					fn(pkg, filepath.ToSlash(rel)+":"+strconv.Itoa(fset.Position(lit.Pos()).Line), s)
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// packageWrites maps each package (its directory under the root) to the
// tables its SQL writes, with where.
func packageWrites(t *testing.T, root string) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{}
	walkSQL(t, root, func(pkg, where, sql string) {
		for _, table := range writes(sql) {
			if out[pkg] == nil {
				out[pkg] = map[string][]string{}
			}
			out[pkg][table] = append(out[pkg][table], where)
		}
	})
	return out
}

// openStatesList is the open ticket states written out in SQL, in any
// order: two of the waiting states side by side in an IN list.
var openStatesList = regexp.MustCompile(`'waiting_(requester|third_party)'\s*,\s*'waiting_(requester|third_party)'`)

// TestOpenStatesWrittenOnce: the list of open ticket states is
// tickets.OpenStates only; SQL takes it as a parameter (state = ANY($n)
// from tickets.OpenStatesArg), never as a list of its own. The migrations
// are history and keep theirs (index tickets_backlog).
func TestOpenStatesWrittenOnce(t *testing.T) {
	walkSQL(t, root(t), func(_, where, sql string) {
		if openStatesList.MatchString(sqlComment.ReplaceAllString(sql, "")) {
			t.Errorf("%s writes out the open ticket states: pass tickets.OpenStatesArg() as a parameter instead", where)
		}
	})
	if !openStatesList.MatchString("state IN ('new', 'open', 'waiting_requester', 'waiting_third_party')") ||
		!openStatesList.MatchString("'waiting_third_party','waiting_requester'") || openStatesList.MatchString("state = 'waiting_requester'") {
		t.Error("the pattern misreads a list of open states")
	}
}

// TestOneMessageInsert: messages are inserted by one piece of SQL, the
// new-messages block of bots/queries.sql, which every statement that
// records messages includes (issue 20: they were inserted five ways, each
// with its own column list and conflict rule). The migrations and the
// tests' fixtures are not looked at (walkSQL).
func TestOneMessageInsert(t *testing.T) {
	var at []string
	insert := regexp.MustCompile(`(?i)\binsert\s+into\s+messages\b`)
	walkSQL(t, root(t), func(_, where, sql string) {
		for range insert.FindAllString(sqlComment.ReplaceAllString(sql, ""), -1) {
			at = append(at, where)
		}
	})
	if len(at) != 1 || at[0] != "bots/queries.sql" {
		t.Errorf("messages are inserted at %v: the one INSERT is the new-messages block of bots/queries.sql; include it with {{new-messages}} (db.ScanQueries)", at)
	}
}

// owner is one row of docs/architecture-tables.md.
type owner struct {
	pkg  string
	also []string // packages that may write it too, each with its why in the document
}

// covers says whether pkg is the package p or one of its subpackages.
func covers(p, pkg string) bool { return pkg == p || strings.HasPrefix(pkg, p+"/") }

// readOwners reads the table of docs/architecture-tables.md: the table,
// its owner, and the packages named (in code spans) in the last column.
func readOwners(t *testing.T) map[string]owner {
	t.Helper()
	f, err := os.Open(filepath.Join(root(t), "docs", "architecture-tables.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	owners := map[string]owner{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("docs/architecture-tables.md: row %q has %d cells, want 3", line, len(cells))
		}
		table, pkg := codeSpan.FindStringSubmatch(cells[0]), codeSpan.FindStringSubmatch(cells[1])
		if table == nil || pkg == nil {
			continue // the header and its rule line
		}
		if _, dup := owners[table[1]]; dup {
			t.Errorf("docs/architecture-tables.md: table %s has two rows", table[1])
		}
		o := owner{pkg: pkg[1]}
		for _, m := range codeSpan.FindAllStringSubmatch(cells[2], -1) {
			o.also = append(o.also, m[1])
		}
		owners[table[1]] = o
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(owners) == 0 {
		t.Fatal("docs/architecture-tables.md has no table of owners")
	}
	return owners
}

var createTable = regexp.MustCompile(`(?i)\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)`)

// schemaTables are the tables the migrations make.
func schemaTables(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root(t), "internal", "db", "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations: %v", err)
	}
	tables := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range createTable.FindAllStringSubmatch(sqlComment.ReplaceAllString(string(b), ""), -1) {
			tables[strings.ToLower(m[1])] = true
		}
	}
	return tables
}

// TestTableOwners: every table has one owner in
// docs/architecture-tables.md, and no package writes a table it does not
// own unless the document lists it as an exception.
func TestTableOwners(t *testing.T) {
	owners := readOwners(t)
	schema := schemaTables(t)
	for table := range schema {
		if _, ok := owners[table]; !ok {
			t.Errorf("table %s has no owner in docs/architecture-tables.md", table)
		}
	}
	for table := range owners {
		if !schema[table] {
			t.Errorf("docs/architecture-tables.md names %s, which no migration makes", table)
		}
	}
	pkgs := packages(t)
	for table, o := range owners {
		for _, p := range append([]string{o.pkg}, o.also...) {
			if !slices.ContainsFunc(slices.Collect(maps.Keys(pkgs)), func(pkg string) bool { return covers(p, pkg) }) {
				t.Errorf("docs/architecture-tables.md: %s's row names %s, which is no package", table, p)
			}
		}
	}
	used := map[[2]string]bool{}
	for pkg, tables := range packageWrites(t, root(t)) {
		for table, where := range tables {
			if !schema[table] {
				continue // a word after "update" in prose, not a table
			}
			o := owners[table]
			if covers(o.pkg, pkg) {
				continue
			}
			if i := slices.IndexFunc(o.also, func(p string) bool { return covers(p, pkg) }); i >= 0 {
				used[[2]string{table, o.also[i]}] = true
				continue
			}
			t.Errorf("%s writes %s, owned by %s (at %s): call the owner's Go API, or list the exception in docs/architecture-tables.md with why",
				pkg, table, o.pkg, strings.Join(where, ", "))
		}
	}
	// An exception nobody needs any more is removed, so the list stays true.
	for table, o := range owners {
		for _, p := range o.also {
			if !used[[2]string{table, p}] {
				t.Errorf("docs/architecture-tables.md lets %s write %s, and it no longer does: remove the exception", p, table)
			}
		}
	}
}

// TestWritesParser: what the scan counts as a write, and what not.
func TestWritesParser(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want []string
	}{
		{"INSERT INTO users (a) VALUES ($1)", []string{"users"}},
		{"update Tickets SET a = 1", []string{"tickets"}},
		{"DELETE FROM console_sessions WHERE x", []string{"console_sessions"}},
		{"UPDATE ONLY messages SET body = ''", []string{"messages"}},
		{"WITH x AS (UPDATE a SET b = 1 RETURNING id) DELETE FROM c USING x", []string{"a", "c"}},
		{"SELECT * FROM users WHERE id = $1 FOR UPDATE SKIP LOCKED", nil},
		{"INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a", []string{"t"}},
		{"-- an agent may update users' presence here\nSELECT 1", nil},
		{"SELECT count(*) FROM users", nil},
	} {
		if got := writes(c.sql); !slices.Equal(got, c.want) {
			t.Errorf("writes(%q) = %v, want %v", c.sql, got, c.want)
		}
	}
	if o := readOwners(t); o["users"].pkg != "agents" {
		t.Errorf("the reader took users' owner for %q", o["users"].pkg)
	}
	if !covers("web", "web/console") || covers("web", "webhooks") || !covers("tickets", "tickets") {
		t.Error("owner coverage is wrong")
	}
}
