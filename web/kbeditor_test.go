// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
	"helpdesk/tickets"
)

func TestKBEditorFlow(t *testing.T) {
	t.Parallel()
	var searcher *kb.Searcher
	var store *kb.Store
	ctx := context.Background()
	tc := newTestConsole(t, func(o *Options) {
		var err error
		if store, err = kb.NewStore(o.Pool, nil); err != nil {
			t.Fatal(err)
		}
		if searcher, err = kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1}); err != nil {
			t.Fatal(err)
		}
		o.Searcher = searcher
	})
	tc.addUser("elena", agents.RoleEditor)
	c := tc.login("elena")

	form := url.Values{"id": {"vpn-casa"}, "title": {"La VPN non si connette da casa"}, "kind": {"faq"}, "entry_lang": {"it"},
		"audience": {"public"}, "questions": {"la vpn non funziona\nnon riesco a collegarmi alla vpn da casa"},
		"body": {"Controlla la connessione e **riavvia** il client VPN."}, "tags": {"vpn, rete"},
		"media": {"video | https://media.example.org/vpn.mp4 | Video VPN | 2:10"}, "category": {"rete"}}

	// Preview renders the Markdown without saving.
	pf := cloneForm(form)
	pf.Set("preview", "1")
	code, body, _ := c.post("/console/kb/new", pf)
	if code != 200 || !strings.Contains(body, "<strong>riavvia</strong>") {
		t.Fatalf("preview = %d, no rendered Markdown", code)
	}
	if _, err := store.Get(ctx, "vpn-casa"); err == nil {
		t.Fatal("preview saved the entry")
	}
	// An unsafe body is sanitised in the preview.
	pf.Set("body", "ciao <script>alert(1)</script>")
	if _, body, _ = c.post("/console/kb/new", pf); strings.Contains(body, "<script>alert") {
		t.Fatal("preview let a script through")
	}
	// Save as draft.
	if code, body, _ = c.post("/console/kb/new", form); code != http.StatusSeeOther {
		t.Fatalf("create = %d %s", code, body)
	}
	e, err := store.Get(ctx, "vpn-casa")
	if err != nil || e.Status != kb.StatusDraft || len(e.Questions) != 2 || len(e.Media) != 1 || e.Media[0].Duration != "2:10" || len(e.Tags) != 2 {
		t.Fatalf("stored entry %+v, %v", e, err)
	}
	// Invalid media is refused with the form kept.
	bad := cloneForm(form)
	bad.Set("media", "video")
	if code, body, _ = c.post("/console/kb/vpn-casa", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "La VPN non si connette") {
		t.Fatalf("bad media = %d", code)
	}
	// Edit, then the workflow: review, publish.
	ed := cloneForm(form)
	ed.Set("body", "Riavvia il client VPN e controlla il Wi-Fi.")
	ed.Set("note", "più preciso")
	if code, _, _ = c.post("/console/kb/vpn-casa", ed); code != http.StatusSeeOther {
		t.Fatalf("edit = %d", code)
	}
	if code, _, _ = c.post("/console/kb/vpn-casa/status", url.Values{"to": {"published"}}); code != http.StatusConflict {
		t.Fatalf("draft → published = %d, want 409 (review first)", code)
	}
	for _, to := range []string{"in_review", "published"} {
		if code, _, _ = c.post("/console/kb/vpn-casa/status", url.Values{"to": {to}}); code != http.StatusSeeOther {
			t.Fatalf("→ %s = %d", to, code)
		}
	}
	hits, err := searcher.Search(ctx, kb.Query{Text: "la vpn non funziona", Lang: "it", NoLog: true})
	if err != nil || len(hits) == 0 || hits[0].EntryID != "vpn-casa" {
		t.Fatalf("published entry not found at once: %v %v", hits, err)
	}
	// The list finds it by search and by title.
	if code, body, _ = c.get("/console/kb?q=vpn"); code != 200 || !strings.Contains(body, `href="/console/kb/vpn-casa"`) {
		t.Fatalf("kb list = %d", code)
	}
	// History: diff of the last two revisions, then revert to revision 1.
	code, body, _ = c.get("/console/kb/vpn-casa/history?a=1&b=2&lang=en")
	if code != 200 || !strings.Contains(body, "- Controlla la connessione") || !strings.Contains(body, `<span class="add">&#43; Riavvia il client VPN`) {
		t.Fatalf("history = %d, no body diff: %s", code, body[strings.Index(body, "<main"):])
	}
	if code, _, _ = c.post("/console/kb/vpn-casa/revert", url.Values{"revision": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("revert = %d", code)
	}
	if e, err = store.Get(ctx, "vpn-casa"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Body, "Controlla la connessione") || e.Status != kb.StatusPublished {
		t.Fatalf("after revert: %q %s", e.Body, e.Status)
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func TestDraftFAQFromTicket(t *testing.T) {
	t.Parallel()
	// The editor drafts from a ticket: an admin granted editors the
	// ticket pages (without it they have none: leastprivilege_test.go).
	tc := newTestConsole(t, func(o *Options) { o.EditorsReadTickets = true })
	ctx := context.Background()
	ts, _ := tickets.NewStore(tickets.Options{})
	tk, err := ts.Create(ctx, tc.pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Firma digitale scaduta",
		Description: "Il certificato di firma risulta scaduto", Category: "firma"})
	if err != nil {
		t.Fatal(err)
	}
	tc.addUser("elena", agents.RoleEditor)
	c := tc.login("elena")
	path := fmt.Sprintf("/console/tickets/%d/faq", tk.ID)
	if code, _, _ := c.post(path, nil); code != http.StatusConflict {
		t.Fatalf("draft from an open ticket = %d, want 409", code)
	}
	if _, err := ts.Resolve(ctx, tc.pool, tk.ID, "test", "solved", "Rinnovare il certificato dal portale del fornitore."); err != nil {
		t.Fatal(err)
	}
	code, _, h := c.post(path, nil)
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/console/kb/faq-hd-") {
		t.Fatalf("draft = %d %q", code, h.Get("Location"))
	}
	store, _ := kb.NewStore(tc.pool, nil)
	e, err := store.Get(ctx, "faq-"+strings.ToLower(tk.Number))
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != kb.StatusDraft || e.Title != "Firma digitale scaduta" || !strings.Contains(e.Body, "certificato di firma risulta scaduto") ||
		!strings.Contains(e.Body, "Rinnovare il certificato") || e.Category != "firma" {
		t.Fatalf("draft %+v", e)
	}
	// Pressing again opens the same draft.
	if code, _, h2 := c.post(path, nil); code != http.StatusSeeOther || h2.Get("Location") != h.Get("Location") {
		t.Fatalf("second press = %d %q", code, h2.Get("Location"))
	}
}
