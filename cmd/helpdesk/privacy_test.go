// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"strings"
	"testing"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

func TestPrivacyCommand(t *testing.T) {
	url := testdb.NewURL(t)
	ctx := context.Background()
	pool, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s, _ := tickets.NewStore(tickets.Options{})
	rid, err := s.EnsureRequester(ctx, pool, tickets.Identity{Channel: "email", ExternalID: "rita@example.org", Name: "Rita", Email: "rita@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	s.Create(ctx, pool, "email", tickets.NewTicket{RequesterID: &rid, OriginChannel: "email", Subject: "Sono Rita"})
	env := []string{"DATABASE_URL=" + url}
	var out, errOut strings.Builder
	if code := run(ctx, []string{"privacy", "export", "rita@example.org"}, nil, &out, &errOut, env); code != 0 || !strings.Contains(out.String(), `"subject": "Sono Rita"`) {
		t.Fatalf("export: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	errOut.Reset()
	if code := run(ctx, []string{"privacy", "erase", "email:rita@example.org"}, nil, &out, &errOut, env); code != 1 || !strings.Contains(errOut.String(), "-yes") {
		t.Fatalf("erase without -yes: exit %d %q", code, errOut.String())
	}
	if code := run(ctx, []string{"privacy", "erase", "-yes", "email:rita@example.org"}, nil, &out, &errOut, env); code != 0 {
		t.Fatalf("erase: exit %d %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run(ctx, []string{"privacy", "export", "nobody@example.org"}, nil, &out, &errOut, env); code != 1 || !strings.Contains(errOut.String(), "no requester found") {
		t.Fatalf("unknown requester: exit %d %q", code, errOut.String())
	}
}
