// SPDX-License-Identifier: EUPL-1.2

package webhooks_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/testdb"
	"helpdesk/internal/webhooks"
	"helpdesk/tickets"
)

// fakeResolver answers from a table; answers may change between lookups
// (DNS rebinding: public when the URL is saved, loopback when it is used).
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][]string
}

func (f *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []netip.Addr
	for _, s := range f.answers[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	if out == nil {
		return nil, errors.New("no such host")
	}
	return out, nil
}

func (f *fakeResolver) set(host string, addrs ...string) {
	f.mu.Lock()
	f.answers[host] = addrs
	f.mu.Unlock()
}

var (
	loopback   = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	exampleOrg = &fakeResolver{answers: map[string][]string{"example.org": {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"}}}
)

// Saving a webhook: https to public addresses only, unless the address is
// in an allowed network (then http too).
func TestSubscribeRefusesPrivateTargets(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	res := &fakeResolver{answers: map[string][]string{
		"example.org":           {"93.184.215.14"},
		"intranet.example.org":  {"10.20.1.5"},
		"mixed.example.org":     {"93.184.215.14", "127.0.0.1"},
		"metadata.example.org":  {"169.254.169.254"},
		"v6local.example.org":   {"::1"},
		"mapped.example.org":    {"::ffff:127.0.0.1"},
		"cgnat.example.org":     {"100.64.1.1"},
		"ula.example.org":       {"fd00::1"},
		"unspecified.example":   {"0.0.0.0"},
		"linklocal6.example":    {"fe80::1"},
		"documentation.example": {"192.0.2.10"},
	}}
	strict, err := webhooks.New(pool, webhooks.Options{Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	lenient, err := webhooks.New(pool, webhooks.Options{Resolver: res,
		AllowPrivateTargets: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		url             string
		strict, lenient bool // accepted
	}{
		{"https://example.org/hook", true, true},
		{"http://example.org/hook", false, false}, // public but not https
		{"https://169.254.169.254/latest/meta-data/", false, false},
		{"http://169.254.169.254/latest/meta-data/", false, false},
		{"https://metadata.example.org/", false, false},
		{"https://127.0.0.1:8080/", false, true},
		{"http://127.0.0.1:8080/", false, true},
		{"https://127.0.0.2/", false, false}, // loopback, outside the listed /32
		{"https://[::1]/", false, false},
		{"https://v6local.example.org/", false, false},
		{"https://mapped.example.org/", false, true}, // ::ffff:127.0.0.1 is 127.0.0.1
		{"https://localhost/", false, false},         // not resolvable here: refused
		{"https://intranet.example.org/", false, true},
		{"https://mixed.example.org/", false, true}, // every address must pass
		{"https://cgnat.example.org/", false, false},
		{"https://ula.example.org/", false, false},
		{"https://unspecified.example/", false, false},
		{"https://linklocal6.example/", false, false},
		{"https://documentation.example/", false, false},
		{"https://user:pw@example.org/", false, false},
		{"ftp://example.org/", false, false},
		{"https:///nohost", false, false},
	} {
		for _, svc := range []struct {
			name string
			s    *webhooks.Service
			want bool
		}{{"strict", strict, tc.strict}, {"allow-list", lenient, tc.lenient}} {
			_, err := svc.s.Subscribe(ctx, tc.url, "0123456789abcdef", []string{webhooks.KindOpened})
			if (err == nil) != svc.want {
				t.Errorf("%s %s: err %v, want accepted=%v", svc.name, tc.url, err, svc.want)
			}
			if err != nil && !errors.Is(err, webhooks.ErrInvalid) {
				t.Errorf("%s %s: %v is not ErrInvalid (the API's 400)", svc.name, tc.url, err)
			}
		}
	}
}

// The rule is applied again where the delivery connects: a name that
// resolved to a public address when saved and to loopback when used (DNS
// rebinding), or a URL stored before the rule, reaches nothing.
func TestDeliveryConnectsOnlyWhereAllowed(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	var hits atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer recv.Close()
	port := recv.URL[strings.LastIndex(recv.URL, ":"):]
	res := &fakeResolver{answers: map[string][]string{"rebind.example.org": {"93.184.215.14"}}}
	var queued []webhooks.DeliverArgs
	opt := func(allow []netip.Prefix) webhooks.Options {
		return webhooks.Options{Resolver: res, AllowPrivateTargets: allow, Settle: 1,
			Enqueue: func(_ context.Context, _ *sql.Tx, a webhooks.DeliverArgs) error {
				queued = append(queued, a)
				return nil
			}}
	}
	strict, err := webhooks.New(pool, opt(nil))
	if err != nil {
		t.Fatal(err)
	}
	// The URLs are saved through the allow-listed service (the test's
	// receiver speaks plain http on loopback) and delivered by the strict
	// one: what a rebinding name or a row stored before the rule would do.
	lenient, err := webhooks.New(pool, opt(loopback))
	if err != nil {
		t.Fatal(err)
	}
	res.set("rebind.example.org", "127.0.0.1")
	if _, err := lenient.Subscribe(ctx, "http://rebind.example.org"+port+"/hook", "0123456789abcdef", []string{webhooks.KindOpened}); err != nil {
		t.Fatal(err)
	}
	if _, err := lenient.Subscribe(ctx, recv.URL+"/direct", "0123456789abcdef", []string{webhooks.KindOpened}); err != nil {
		t.Fatal(err)
	}
	openTicket(t, pool)
	if _, err := strict.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(queued) != 2 {
		t.Fatalf("%d deliveries queued, want 2", len(queued))
	}
	for _, q := range queued {
		err := strict.Deliver(ctx, q.DeliveryID, false)
		if !errors.Is(err, webhooks.ErrTargetRefused) {
			t.Errorf("delivery %d from the strict service: %v, want ErrTargetRefused", q.DeliveryID, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback receiver was reached %d times without the allow-list", n)
	}
	// The same deliveries with the allow-list reach the receiver.
	for _, q := range queued {
		if err := lenient.Deliver(ctx, q.DeliveryID, false); err != nil {
			t.Errorf("delivery %d with the allow-list: %v", q.DeliveryID, err)
		}
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("receiver reached %d times with the allow-list, want 2", n)
	}
}

func openTicket(t *testing.T, pool *sqlx.DB) {
	t.Helper()
	st, err := tickets.NewStore(tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Create(context.Background(), pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Printer"}); err != nil {
		t.Fatal(err)
	}
}
