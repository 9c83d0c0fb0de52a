// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"helpdesk/bots"
	"helpdesk/internal/testdb"
)

// A small run of the benchmark command: every figure is there and sane,
// and no message failed. (The figures themselves are measured with
// `helpdesk bench`, never asserted.)
func TestBenchCommandSmall(t *testing.T) {
	env := []string{"DATABASE_URL=" + testdb.NewURL(t), "HELPDESK_KB_CONTENT_DIR=../../content/kb"}
	var out, errOut strings.Builder
	args := []string{"bench", "-json", "-users", "4", "-messages", "120", "-rate", "40", "-rate-for", "500ms", "-history", "300"}
	if code := run(context.Background(), args, nil, &out, &errOut, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"msgs_per_s", "p50_ms", "p99_ms", "pg_insert_per_s", "ratio", "sql_floor_per_s", "floor_ratio",
		"group_floor_per_s", "group_floor_ratio", "batched_floor_per_s", "batched_floor_ratio", "mean_group_size", "at_rate_p99_ms"} {
		if v, _ := got[k].(float64); v <= 0 {
			t.Errorf("%s = %v, want a positive figure", k, got[k])
		}
	}
	// The best shape of the batched floor, connections × messages a
	// transaction, one of those tried (the configuration's defaults here).
	var tried []string
	for _, sh := range batchedShapes(bots.DefaultGroupCommitters, bots.DefaultGroupMax) {
		tried = append(tried, fmt.Sprintf("%dx%d", sh[0], sh[1]))
	}
	if sh, _ := got["batched_floor_shape"].(string); !slices.Contains(tried, sh) {
		t.Errorf("batched_floor_shape = %v, want one of the shapes tried", got["batched_floor_shape"])
	}
	if got["errors"] != float64(0) {
		t.Errorf("%v messages failed:\n%s", got["errors"], errOut.String())
	}
	// This test runs on Linux (make test installs PostgreSQL with apt):
	// the load is there; 0 is a possible load, -1 is not reading it.
	for _, k := range []string{"load_before", "load_after"} {
		if v, ok := got[k].(float64); !ok || v < 0 {
			t.Errorf("%s = %v (present %v), want the machine's load", k, v, ok)
		}
	}
	// A doc is a test: every bench field the README names is in the output.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile("`([a-z0-9_]+(?:_per_s|_ratio|_ms|_size)|load_before|load_after)`").FindAllStringSubmatch(string(readme), -1)
	if len(named) == 0 {
		t.Error("the README names no bench field (the pattern here is stale)")
	}
	for _, m := range named {
		if _, ok := got[m[1]]; !ok {
			t.Errorf("README.md names the bench field %s, which helpdesk bench -json does not print", m[1])
		}
	}
	if !strings.Contains(errOut.String(), "hot-path statements alone") {
		t.Errorf("no progress line for the SQL floor:\n%s", errOut.String())
	}
}

// TestBenchErrors: the count of failed messages and the first error, for
// the line a failing run prints (from many goroutines at once).
func TestBenchErrors(t *testing.T) {
	var b benchErrors
	if b.count() != 0 || b.firstErr() != nil {
		t.Fatal("not empty at first")
	}
	first := errors.New("first")
	b.add(first)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { b.add(errors.New("later")) })
	}
	wg.Wait()
	if b.count() != 9 || b.firstErr() != first {
		t.Errorf("count %d, first %v; want 9 and the first", b.count(), b.firstErr())
	}
}
