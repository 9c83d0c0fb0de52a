// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"helpdesk/kb"
)

// publishEntry saves e as a draft and publishes it (unless it is meant to
// stay a draft).
func publishEntry(t *testing.T, store *kb.Store, e kb.Entry) {
	t.Helper()
	ctx := context.Background()
	status := e.Status
	e.Status = kb.StatusDraft
	if _, _, err := store.Save(ctx, e, "ed", ""); err != nil {
		t.Fatalf("save %s: %v", e.ID, err)
	}
	if status != kb.StatusPublished {
		return
	}
	for _, s := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := store.Transition(ctx, e.ID, s, "ed"); err != nil {
			t.Fatalf("%s → %s: %v", e.ID, s, err)
		}
	}
}

func TestHelpDeepLinks(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	for _, e := range []kb.Entry{
		{ID: "manuale-gestionale-ricette", Kind: kb.KindManual, Lang: "it", Title: "Manuale del gestionale – Stati delle ricette",
			Tags: []string{"ricette", "app:gestionale"}, Anchor: "ricette-stati", TranslationOf: "manual-practice-prescriptions",
			Body: "Ogni ricetta ha uno stato."},
		{ID: "manual-practice-prescriptions", Kind: kb.KindManual, Lang: "en", Title: "Practice software manual – Prescription states",
			Tags: []string{"prescriptions", "app:gestionale"}, Anchor: "prescription-states", TranslationOf: "manuale-gestionale-ricette",
			Body: "Every prescription has a state."},
		{ID: "gestionale-backup", Kind: kb.KindTutorial, Lang: "it", Title: "Salvare una copia dei dati dello studio",
			Tags: []string{"App:Gestionale"}, Body: "1. Apri Strumenti."},
		{ID: "vpn-guida", Kind: kb.KindManual, Lang: "it", Title: "Manuale VPN", Tags: []string{"app:vpn"}, Anchor: "ricette-stati",
			Body: "Parametri della VPN."},
		{ID: "gestionale-bozza", Kind: kb.KindManual, Lang: "it", Title: "Bozza", Tags: []string{"app:gestionale"}, Anchor: "bozza",
			Body: "Non ancora pubblicata.", Status: kb.StatusDraft},
		{ID: "gestionale-interna", Kind: kb.KindManual, Lang: "it", Title: "Procedura interna", Tags: []string{"app:gestionale"}, Anchor: "interna",
			Audience: kb.AudienceInternal, Body: "Solo per gli operatori."},
	} {
		if e.Status == "" {
			e.Status = kb.StatusPublished
		}
		if e.Audience == "" {
			e.Audience = kb.AudiencePublic
		}
		publishEntry(t, p.kb, e)
	}
	tests := []struct {
		name, path, lang string
		code             int
		location         string   // for redirects
		want             []string // in the body otherwise
	}{
		{"anchor, Italian reader", "/help/gestionale/ricette-stati", "it", 302, "/help/a/manuale-gestionale-ricette#ricette-stati", nil},
		{"anchor, English reader gets the translation", "/help/gestionale/ricette-stati", "en", 302, "/help/a/manual-practice-prescriptions#prescription-states", nil},
		{"the translation's anchor, language asked", "/help/gestionale/prescription-states?lang=it", "en", 302, "/help/a/manuale-gestionale-ricette?lang=it#ricette-stati", nil},
		{"case does not matter", "/help/Gestionale/Ricette-Stati", "it", 302, "/help/a/manuale-gestionale-ricette#ricette-stati", nil},
		{"an entry without anchor by its id", "/help/gestionale/gestionale-backup", "it", 302, "/help/a/gestionale-backup", nil},
		{"the same anchor in another application", "/help/vpn/ricette-stati", "it", 302, "/help/a/vpn-guida#ricette-stati", nil},
		{"no translation: the one found", "/help/vpn/ricette-stati", "en", 302, "/help/a/vpn-guida#ricette-stati", nil},
		{"a draft is not linked", "/help/gestionale/bozza", "it", 404, "",
			[]string{"Pagina di aiuto non trovata", "«bozza» per l&#39;applicazione «gestionale»", `id="q" name="q" type="search" value="bozza"`,
				`href="/help/a/manuale-gestionale-ricette"`, `href="/help/a/gestionale-backup"`}},
		{"an internal entry is not linked", "/help/gestionale/interna", "en", 404, "", []string{"Help page not found", `value="interna"`}},
		{"unknown anchor, English", "/help/gestionale/stampa-ricette", "en", 404, "",
			[]string{"Help page not found", "“stampa-ricette” for the application “gestionale”", `value="stampa ricette"`, "Help pages of “gestionale”"}},
		{"unknown application", "/help/protocollo/registro", "it", 404, "", []string{"Pagina di aiuto non trovata", `value="registro"`}},
		{"an application's pages", "/help/gestionale", "en", 200, "", []string{"Help pages of “gestionale”", `href="/help/a/manual-practice-prescriptions"`}},
		{"too deep", "/help/gestionale/ricette-stati/altro", "it", 404, "", []string{"Questo indirizzo non corrisponde"}},
		{"not a slug", "/help/gestionale/%3Cscript%3E", "it", 404, "", []string{"Pagina di aiuto non trovata"}},
		{"the help centre's own routes still win", "/help/static/help.css", "it", 200, "", nil},
		{"an article", "/help/a/gestionale-backup", "it", 200, "", []string{"Salvare una copia"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.client() // no language remembered from another case
			code, body, h := p.get(c, tt.path, "Accept-Language", tt.lang)
			if code != tt.code {
				t.Fatalf("GET %s = %d, want %d\n%.500s", tt.path, code, tt.code, body)
			}
			if tt.location != "" && h.Get("Location") != tt.location {
				t.Errorf("GET %s → %q, want %q", tt.path, h.Get("Location"), tt.location)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: missing %q\n%.1500s", tt.path, w, body)
				}
			}
		})
	}

	// A new revision (title and text rewritten) keeps the link working.
	e, err := p.kb.Get(context.Background(), "manuale-gestionale-ricette")
	if err != nil {
		t.Fatal(err)
	}
	e.Title, e.Body = "Gestionale – Le ricette e i loro stati", "Testo riscritto: ogni ricetta attraversa questi stati."
	saved, _, err := p.kb.Save(context.Background(), e, "ed", "")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Revision < 2 || saved.Status != kb.StatusPublished {
		t.Fatalf("the rewrite is revision %d, %s", saved.Revision, saved.Status)
	}
	if code, _, h := p.get(p.client(), "/help/gestionale/ricette-stati", "Accept-Language", "it"); code != http.StatusFound ||
		h.Get("Location") != "/help/a/manuale-gestionale-ricette#ricette-stati" {
		t.Errorf("after a new revision: %d → %q", code, h.Get("Location"))
	}
}

// TestHelpDeepLinksDemoContent checks the examples of docs/web.md against
// the demo knowledge base they are written for.
func TestHelpDeepLinksDemoContent(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	rep, err := p.kb.Import(context.Background(), "../content/kb", kb.ImportOptions{})
	if err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("import the demo content: %v %+v", err, rep.Rejected)
	}
	tests := []struct{ path, lang, location string }{
		{"/help/gestionale/ricetta-stati-azioni", "it", "/help/a/manuale-ricetta-stati#ricetta-stati-azioni"},
		{"/help/gestionale/ricetta-stati-azioni", "en", "/help/a/manual-eprescription-states#eprescription-states-actions"},
		{"/help/gestionale/eprescription-states-actions?lang=it", "en", "/help/a/manuale-ricetta-stati?lang=it#ricetta-stati-azioni"},
		{"/help/gestionale/certificati-inps-campi", "en", "/help/a/manual-inps-certificate-fields#inps-certificate-fields"},
		{"/help/vpn/client-setup", "it", "/help/a/vpn-configurare-client#client-setup"},
		{"/help/vpn/client-setup", "en", "/help/a/vpn-set-up-client#client-setup"},
		{"/help/vpn/vpn-parametri-requisiti", "it", "/help/a/manuale-vpn-parametri#vpn-parametri-requisiti"},
		{"/help/suap/suap-manuale-4-3-allegati", "en", "/help/a/suap-manual-attachments#suap-manual-4-3-attachments"},
		{"/help/softphone/softphone-setup", "it", "/help/a/softphone-installare#softphone-setup"},
	}
	for _, tt := range tests {
		code, _, h := p.get(p.client(), tt.path, "Accept-Language", tt.lang)
		if code != http.StatusFound || h.Get("Location") != tt.location {
			t.Errorf("GET %s (%s) = %d → %q, want %q", tt.path, tt.lang, code, h.Get("Location"), tt.location)
		}
	}
	code, body, _ := p.get(p.client(), "/help/gestionale/stampa-massiva", "Accept-Language", "it")
	if code != http.StatusNotFound || !strings.Contains(body, `value="stampa massiva"`) || !strings.Contains(body, `href="/help/a/manuale-ricetta-stati"`) {
		t.Errorf("unknown anchor: %d\n%.800s", code, body)
	}
}
