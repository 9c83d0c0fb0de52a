// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
)

func TestSLACommand(t *testing.T) {
	env := []string{"DATABASE_URL=" + testdb.NewURL(t)}
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"sla", "set", "P2", "first_response", "120"}, nil, &out, &errOut, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "P2") || !strings.Contains(out.String(), " 120m") {
		t.Fatalf("policy not changed:\n%s", out.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"sla", "set", "P9", "resolve", "10"}, nil, &out, &errOut, env); code != 1 || !strings.Contains(errOut.String(), "P1–P4") {
		t.Fatalf("bad priority: exit %d %q", code, errOut.String())
	}
}
