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

	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	used := map[string]bool{}
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
