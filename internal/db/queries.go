// SPDX-License-Identifier: EUPL-1.2

package db

import (
	"bufio"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
)

// ScanQueries reads named SQL blocks from file in fsys into the string
// fields of the struct dst points to. A block starts with a line
// `-- name: some-name` and runs until the next one; a field receives the
// block whose name is in its `query:"some-name"` tag. A field without a
// block, or a block without a field, is an error: a typo is found at start,
// not at the first call.
//
// A block may include another of the same file by writing {{its-name}}:
// a part several statements must share word for word (one INSERT all of
// them run) is then written once. The included block ends without a
// semicolon, needs no field of its own and includes nothing itself.
func ScanQueries(dst any, fsys fs.FS, file string) error {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return err
	}
	blocks := map[string]string{}
	var name string
	var sb strings.Builder
	flush := func() {
		if name != "" {
			blocks[name] = strings.TrimSpace(sb.String())
		}
		sb.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			flush()
			name = strings.TrimSpace(rest)
			if _, dup := blocks[name]; dup {
				return fmt.Errorf("%s: query %q defined twice", file, name)
			}
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue // comments are for readers; sqlx would parse a colon in them as a parameter
		}
		sb.WriteString(line)
		sb.WriteByte('\n')
	}
	flush()
	used := map[string]bool{}
	if err := includeBlocks(file, blocks, used); err != nil {
		return err
	}

	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("query")
		if tag == "" {
			continue
		}
		q, ok := blocks[tag]
		if !ok {
			return fmt.Errorf("%s: no query named %q", file, tag)
		}
		v.Field(i).SetString(q)
		used[tag] = true
	}
	for n := range blocks {
		if !used[n] {
			return fmt.Errorf("%s: query %q is not used by %s", file, n, t.Name())
		}
	}
	return nil
}

// includeBlocks replaces each {{name}} in blocks with the block of that
// name, marking it used.
func includeBlocks(file string, blocks map[string]string, used map[string]bool) error {
	written := make(map[string]string, len(blocks)) // as in the file, before any include
	for name, q := range blocks {
		written[name] = q
	}
	for name, q := range written {
		for {
			start := strings.Index(q, "{{")
			if start < 0 {
				break
			}
			end := strings.Index(q[start:], "}}")
			if end < 0 {
				return fmt.Errorf("%s: query %q: {{ without }}", file, name)
			}
			inc := strings.TrimSpace(q[start+2 : start+end])
			part, ok := written[inc]
			if !ok {
				return fmt.Errorf("%s: query %q includes %q, which is not defined", file, name, inc)
			}
			if strings.Contains(part, "{{") || strings.HasSuffix(part, ";") {
				return fmt.Errorf("%s: query %q is included, so it includes nothing and ends without a semicolon", file, inc)
			}
			q = q[:start] + part + q[start+end+2:]
			used[inc] = true
		}
		blocks[name] = q
	}
	return nil
}
