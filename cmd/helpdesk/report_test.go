// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
)

func TestReportCommand(t *testing.T) {
	url := testdb.NewURL(t)
	env := []string{"DATABASE_URL=" + url}
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"report", "-from", "2026-10-01", "-format", "json"}, nil, &out, &errOut, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"from", "to", "volumes", "sla", "backlog", "rates", "satisfaction", "kb"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"report", "-from", "2026-10-01", "-to", "2026-12-31", "-format", "csv"}, nil, &out, &errOut, env); code != 0 {
		t.Fatalf("csv exit %d: %s", code, errOut.String())
	}
	for _, section := range []string{"# volumes", "# sla", "# backlog", "# rates", "# satisfaction", "# kb_most_used", "# kb_unanswered"} {
		if !strings.Contains(out.String(), section) {
			t.Errorf("CSV lacks section %q", section)
		}
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"report", "-from", "01/10/2026"}, nil, &out, &errOut, env); code != 1 || !strings.Contains(errOut.String(), "2026-10-01") {
		t.Fatalf("bad date: exit %d, %q", code, errOut.String())
	}
}
