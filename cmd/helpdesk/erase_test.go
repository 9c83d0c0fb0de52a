// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/config"
	"helpdesk/internal/testdb"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// The person the erasure test follows through every path.
const (
	zenoName  = "Zeno Quattrocchi"
	zenoEmail = "zeno.quattrocchi@example.org"
	zenoPhone = "347 123 4567"
	zenoTax   = "QTTZNE80A01H501X"
	zenoTg    = "777000111"
	zenoSlack = "U0ZENOQ77"
	zenoMM    = "zenoq7mm1"
	zenoWeb   = "web:sess-zeno42"
)

// zenoIdentifiers are looked for, lower case, in the whole dump.
var zenoIdentifiers = []string{"zeno", "quattrocchi", zenoEmail, zenoPhone, "3471234567", strings.ToLower(zenoTax),
	zenoTg, strings.ToLower(zenoSlack), zenoMM, "sess-zeno42"}

type publicResolver struct{}

func (publicResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
}

// TestEraseLeavesNothingInTheDump seeds one person through every path
// that stores what people write — Telegram (own chat and a group chat
// filed under someone else), Slack, Mattermost, web chat, e-mail, web form,
// an operator's phone contact, the API, the search log, rate limits,
// webhook deliveries, tickets' free fields — then runs `helpdesk privacy
// erase` for each of their identities, and reads a full pg_dump: none of
// their identifiers may be left. Another person's data stays.
func TestEraseLeavesNothingInTheDump(t *testing.T) {
	dumpBin, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	if len(dumpBin) == 0 {
		t.Skip("pg_dump not installed")
	}
	sort.Strings(dumpBin)
	url := testdb.NewURL(t)
	env := []string{"DATABASE_URL=" + url}
	ctx := context.Background()
	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	cfg.KB.ContentDir = "../../content/kb"
	pool, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), pool, nil, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := webhooks.New(pool, webhooks.Options{Resolver: publicResolver{}, Settle: time.Nanosecond,
		Enqueue: func(context.Context, *sql.Tx, webhooks.DeliverArgs) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hooks.Subscribe(ctx, "https://crm.example.org/hook", "0123456789abcdef", webhooks.Kinds); err != nil {
		t.Fatal(err)
	}
	say := func(ch, key, userID, name, email, text string) {
		t.Helper()
		_, err := a.engine.Handle(ctx, bots.Inbound{Channel: ch, ExternalID: ch + ":" + key + ":" + text[:12], ConversationKey: key,
			User: bots.User{ID: userID, Name: name, Email: email, Lang: "it"}, Text: text})
		if err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
	}
	ask := "voglio un operatore: sono " + zenoName + ", la VPN non si collega, chiamatemi al " + zenoPhone + " (CF " + zenoTax + ")"
	say("telegram", zenoTg, zenoTg, zenoName, "", ask)
	// A group chat whose conversation is Olga's: Zeno writes there too.
	say("telegram", "-100555000", "888000111", "Olga Bassi", "", "voglio un operatore: la stampante del reparto di Olga Bassi è ferma")
	say("telegram", "-100555000", zenoTg, zenoName, "", "anche io, "+zenoName+", "+zenoPhone)
	say("slack", "D0ZENOQ77", zenoSlack, zenoName, zenoEmail, ask)
	say("mattermost", "dm-"+zenoMM, zenoMM, zenoName, zenoEmail, ask)
	say("web", zenoWeb, zenoWeb, zenoName, zenoEmail, ask)
	if _, err := a.engine.HandleMail(ctx, bots.Mail{MessageID: "zeno-1@example.org", FromName: zenoName, FromAddress: zenoEmail,
		Subject: "VPN bloccata - " + zenoName, Text: "Buongiorno, sono " + zenoName + ", CF " + zenoTax + ", tel " + zenoPhone + "."}); err != nil {
		t.Fatal(err)
	}
	ts := a.tickets
	open := func(ch, ext, product, desc string) *tickets.Ticket {
		t.Helper()
		rid, err := ts.EnsureRequester(ctx, pool, tickets.Identity{Channel: ch, ExternalID: ext, Name: zenoName, Email: zenoEmail})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := ts.Create(ctx, pool, "agent:marco", tickets.NewTicket{RequesterID: &rid, OriginChannel: ch,
			Subject: "Richiesta di " + zenoName, Description: desc, Product: product, Urgency: tickets.Medium, Impact: tickets.Low})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	form := open("web", zenoEmail, "", "Modulo web: "+zenoName+" "+zenoPhone)               // the web form
	phone := open("phone", "+39"+strings.ReplaceAll(zenoPhone, " ", ""), "", "CF "+zenoTax) // an operator's contact
	api := open("api", zenoEmail, zenoEmail, "aperto dal CRM per "+zenoEmail)               // the API, e-mail in a free field
	if _, err := ts.AddComment(ctx, pool, api.ID, "api:crm", true, "Richiamato "+zenoName+" al "+zenoPhone); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Categorise(ctx, pool, form.ID, "agent:marco", "VPN", zenoEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Resolve(ctx, pool, phone.ID, "agent:marco", "solved", "Sentito "+zenoName+" al "+zenoPhone); err != nil {
		t.Fatal(err)
	}
	// The help centre's search, logged write-behind, and its rate limit.
	if _, err := a.searcher.Search(ctx, kb.Query{Text: zenoName + " " + zenoPhone + " vpn", Lang: "it", Channel: "web"}); err != nil {
		t.Fatal(err)
	}
	if err := a.kbLog.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(`INSERT INTO public_rate_events (bucket, key, at) VALUES ('form', $1, now())`, zenoEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := hooks.Scan(ctx); err != nil {
		t.Fatal(err)
	}

	for table, want := range map[string]int{"webhook_deliveries": 7, "kb_searches": 1, "public_rate_events": 1, "conversations": 6, "tickets": 7} {
		var n int
		if err := pool.Get(&n, `SELECT count(*) FROM `+table); err != nil || n < want {
			t.Fatalf("seeding made %d rows of %s (%v), want at least %d", n, table, err, want)
		}
	}
	before := dumpCounts(t, dumpBin[len(dumpBin)-1], url)
	for _, id := range []string{"quattrocchi", zenoEmail, "3471234567", strings.ToLower(zenoTax), zenoTg, strings.ToLower(zenoSlack), zenoMM} {
		if before.m[id] == 0 {
			t.Fatalf("seeding left no %q in the dump: the test would prove nothing (%v)", id, before.m)
		}
	}
	for _, who := range []string{zenoEmail, "telegram:" + zenoTg, "slack:" + zenoSlack, "mattermost:" + zenoMM, "web:" + zenoWeb,
		"web:" + zenoEmail, "phone:+393471234567", "api:" + zenoEmail, "email:" + zenoEmail} {
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"privacy", "erase", "-yes", who}, nil, &out, &errOut, env)
		if code != 0 && !strings.Contains(errOut.String(), "no requester found") {
			t.Fatalf("erase %s: exit %d: %s", who, code, errOut.String())
		}
	}
	after := dumpCounts(t, dumpBin[len(dumpBin)-1], url)
	t.Logf("identifier occurrences in pg_dump before erase: %v; after: %v", before.m, after.m)
	for _, id := range zenoIdentifiers {
		if after.m[id] != 0 {
			t.Errorf("%q is still in the dump %d times after erase:\n%s", id, after.m[id], after.lines[id])
		}
	}
	if after.m["olga bassi"] == 0 {
		t.Error("Olga's messages were erased with Zeno's")
	}
	var numbers int
	if err := pool.Get(&numbers, `SELECT count(*) FROM tickets WHERE number LIKE 'HD-%'`); err != nil || numbers < 7 {
		t.Errorf("%d ticket numbers kept (%v), want every ticket's", numbers, err)
	}
}

// countMap is how often each identifier occurs in a dump, with the lines.
type countMap struct {
	m     map[string]int
	lines map[string]string
}

// dumpCounts runs pg_dump (schema and data) and counts each identifier.
func dumpCounts(t *testing.T, bin, url string) countMap {
	t.Helper()
	out, err := exec.Command(bin, "--no-owner", "-d", url).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("pg_dump: %v: %s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	dump := strings.ToLower(string(out))
	c := countMap{lines: map[string]string{}}
	c.m = map[string]int{}
	for _, id := range append(zenoIdentifiers, "olga bassi") {
		c.m[id] = strings.Count(dump, id)
		for _, l := range strings.Split(dump, "\n") {
			if strings.Contains(l, id) && len(c.lines[id]) < 2000 {
				c.lines[id] += l + "\n"
			}
		}
	}
	return c
}
