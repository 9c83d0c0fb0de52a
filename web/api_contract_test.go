// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/kb"
	"helpdesk/tickets"
	"helpdesk/web/api"
)

// TestAPIContract generates requests from the OpenAPI document itself —
// for every operation its example, each enum value and bound of every
// parameter and body property, and one request breaking each rule the
// document states (enum, pattern, minimum/maximum, minLength, minItems,
// required, type, unknown property, an empty query value, a malformed or
// unknown path id, not JSON, wrong Content-Type, a body over 256 KiB) —
// sends them to the real server over a real PostgreSQL, and checks each
// answer against the document: the status is documented for the
// operation, the body matches its schema (kin-openapi's validator), a
// request the document calls invalid is refused with 400 (404, 413, 415
// where the document says so), a valid one is not, the example itself
// succeeds, and nothing answers 5xx.
func TestAPIContract(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	doc := loadKinOpenAPI(t)
	at := newAPITest(t)
	doc.Servers = openapi3.Servers{{URL: at.ts.URL + "/api/v1"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := contractFixtures(t, at)
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}

	type op struct {
		method, path string
		op           *openapi3.Operation
	}
	var ops []op
	for _, p := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		for m, o := range doc.Paths.Value(p).Operations() {
			ops = append(ops, op{m, p, o})
		}
	}
	// Deleting runs last: the other operations use the fixtures.
	slices.SortStableFunc(ops, func(a, b op) int {
		if da, db := a.method == "DELETE", b.method == "DELETE"; da != db {
			return map[bool]int{true: 1, false: -1}[da]
		}
		return cmp.Or(strings.Compare(a.path, b.path), strings.Compare(a.method, b.method))
	})
	sent, seq := 0, 0
	counts := map[expect]int{}
	for _, o := range ops {
		cases, err := generate(o.op, contractPath(path, o.path))
		if err != nil {
			t.Fatalf("%s %s: %v", o.method, o.path, err)
		}
		t.Run(o.method+" "+o.path, func(t *testing.T) {
			for _, c := range cases {
				// A token per request: the generated requests must not
				// meet the rate limit (10/s per token).
				seq++
				tok, err := at.tokens.Create(ctx, "contract-"+strconv.Itoa(seq), agents.Scopes)
				if err != nil {
					t.Fatal(err)
				}
				checkContractCase(t, ctx, router, opts, at, tok, o.method, o.path, c)
				sent++
				counts[c.want]++
			}
		})
	}
	t.Logf("%d generated requests: %d valid, %d invalid (400), %d unknown path (404), %d too large (413), %d wrong media type (415)",
		sent, counts[expectAccepted], counts[expectInvalid], counts[expectNotFound], counts[expectTooLarge], counts[expectUnsupported])
	if sent < 300 {
		t.Errorf("only %d requests generated", sent)
	}
}

func loadKinOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Document())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

func checkContractCase(t *testing.T, ctx context.Context, router routers.Router, opts *openapi3filter.Options,
	at *apiTest, tok, method, tmpl string, c contractCase) {
	t.Helper()
	target := tmpl
	for k, v := range c.path {
		target = strings.ReplaceAll(target, "{"+k+"}", url.PathEscape(v))
	}
	var qs []string
	for _, kv := range c.query {
		qs = append(qs, url.QueryEscape(kv[0])+"="+url.QueryEscape(kv[1]))
	}
	u := at.ts.URL + "/api/v1" + target
	if len(qs) > 0 {
		u += "?" + strings.Join(qs, "&")
	}
	build := func() *http.Request {
		var body io.Reader
		if c.body != nil {
			body = bytes.NewReader(c.body)
		}
		req, err := http.NewRequestWithContext(ctx, method, u, body)
		if err != nil {
			t.Fatal(err)
		}
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		return req
	}
	name := fmt.Sprintf("%s %s (%s)", method, target, c.name)

	// The generator and the document agree: a valid request passes the
	// validator, an invalid one does not.
	vreq := build()
	route, params, err := router.FindRoute(vreq)
	var input *openapi3filter.RequestValidationInput
	if err == nil {
		input = &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
		verr := openapi3filter.ValidateRequest(ctx, input)
		switch {
		case c.want == expectAccepted && verr != nil:
			t.Fatalf("%s: generated as valid, the document refuses it: %v", name, verr)
		case (c.want == expectInvalid || c.want == expectUnsupported) && verr == nil:
			t.Fatalf("%s: generated as invalid, the document accepts it", name)
		}
	} else if c.want != expectNotFound {
		t.Fatalf("%s: no route in the document: %v", name, err)
	}

	resp, err := http.DefaultClient.Do(build())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("%s: %d %s", name, resp.StatusCode, raw)
		return
	}
	want := map[expect]int{expectInvalid: 400, expectNotFound: 404, expectTooLarge: 413, expectUnsupported: 415}[c.want]
	switch {
	case want != 0 && resp.StatusCode != want:
		t.Errorf("%s: %d, want %d: %s", name, resp.StatusCode, want, raw)
	case c.want == expectAccepted && (resp.StatusCode == 400 || resp.StatusCode == 413 || resp.StatusCode == 415):
		t.Errorf("%s: valid for the document, refused: %d %s", name, resp.StatusCode, raw)
	case c.name == "example" && resp.StatusCode >= 300:
		t.Errorf("%s: the document's example fails: %d %s", name, resp.StatusCode, raw)
	}
	if input == nil {
		// A malformed path id has no route in the document; its answer
		// is still the error object.
		if !bytes.Contains(raw, []byte(`"code":"not_found"`)) {
			t.Errorf("%s: %d %s", name, resp.StatusCode, raw)
		}
		return
	}
	input.Request = build() // the answer is checked against the operation
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: input, Status: resp.StatusCode,
		Header: resp.Header, Options: opts}
	rin.SetBodyBytes(raw)
	if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
		t.Errorf("%s: the answer is off the document: %v\n%s", name, err, raw)
	}
}

// contractFixtures makes the objects the path parameters name: a ticket
// with a checklist, the internal procedure the document's example
// attaches, a conversation and a webhook subscription.
func contractFixtures(t *testing.T, at *apiTest) map[string]string {
	t.Helper()
	ctx := context.Background()
	proc := kb.Entry{ID: "stampante-procedura", Kind: kb.KindManual, Lang: kb.LangIT, Status: kb.StatusDraft,
		Audience: kb.AudienceInternal, Title: "Stampante inceppata: procedura",
		Body: "- [ ] (obbligatorio) Spegnere la stampante\n- [ ] Pulire i rulli"}
	store, err := kb.NewStore(at.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.Save(ctx, proc, "test", "fixture"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := store.Transition(ctx, proc.ID, s, "test"); err != nil {
			t.Fatal(err)
		}
	}
	tk, err := at.store.Create(ctx, at.pool, "test", tickets.NewTicket{OriginChannel: "api", Subject: "stampante"})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := at.store.AttachChecklist(ctx, at.pool, tk.ID, "test", proc.ID, proc.Title,
		[]tickets.StepSpec{{Text: "Spegnere la stampante", Required: true}, {Text: "Pulire i rulli"}})
	if err != nil {
		t.Fatal(err)
	}
	convs, err := bots.NewStore()
	if err != nil {
		t.Fatal(err)
	}
	var conv int64
	if err := db.Tx(ctx, at.pool, func(tx *sqlx.Tx) error {
		c, _, err := convs.LockOpen(ctx, tx, "web", "contract", nil, "it", time.Now())
		if err == nil {
			conv = c.ID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sub, err := at.srv.opt.Webhooks.Subscribe(ctx, "https://example.org/hooks/fixture", "0123456789abcdef0123", []string{"ticket.opened"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"number": tk.Number, "checklist": strconv.FormatInt(cl.ID, 10), "position": "1",
		"/conversations/{id}": strconv.FormatInt(conv, 10), "/webhooks/{id}": strconv.FormatInt(sub.ID, 10),
		// The document's example entry: POST /kb/entries makes it first.
		"/kb/entries/{id}": "stampante-inceppata"}
}

// contractPath gives the path parameters of the path template tmpl: {id}
// names a conversation, an entry or a webhook depending on the path.
func contractPath(fix map[string]string, tmpl string) map[string]string {
	out := map[string]string{}
	for k, v := range fix {
		if !strings.HasPrefix(k, "/") {
			out[k] = v
		} else if strings.HasPrefix(tmpl, k) {
			out["id"] = v
		}
	}
	return out
}

// TestAPIContractLicence: the document states the licence of the
// repository's LICENSE file.
func TestAPIContractLicence(t *testing.T) {
	t.Parallel()
	doc := loadKinOpenAPI(t)
	lic, err := os.ReadFile("../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Info.License == nil || doc.Info.License.Name != "EUPL-1.2" || !bytes.Contains(lic, []byte("EUPL")) {
		t.Errorf("licence %+v; LICENSE starts %q", doc.Info.License, lic[:min(80, len(lic))])
	}
}
