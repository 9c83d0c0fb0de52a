// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"helpdesk/kb"
)

// Context help: an application opens /help/<application>/<anchor> from
// its own "?" button and lands on the right manual section or tutorial,
// in the user's language, however the entry's id, title or text change.
//
// An entry declares both parts in its front matter:
//
//	tags: ["…", "app:gestionale"]   # the application (one tag per application)
//	anchor: "ricetta-stati-azioni"   # the section's stable anchor
//
// The application is a tag (editors already edit tags, in files and in
// the console) so no new field is needed; the anchor is the manual
// sections' existing field, now allowed on every kind. An entry without
// an anchor is reachable by its id. A link may name the anchor of any
// translation: it opens the version in the reader's language (?lang=,
// then the remembered choice, then the browser's), else the one found.

// appTagPrefix marks the tag that names an entry's application.
const appTagPrefix = "app:"

// deepLinkPart is what an application or anchor segment may be: the
// characters of entry ids and anchors.
var deepLinkPart = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// applicationsOf returns the applications an entry declares.
func applicationsOf(e kb.Entry) []string {
	var apps []string
	for _, t := range e.Tags {
		if app, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(t)), appTagPrefix); ok && app != "" {
			apps = append(apps, app)
		}
	}
	return apps
}

// helpDeepLinkData is what the "no such help page" page shows.
type helpDeepLinkData struct {
	Application string
	Anchor      string
	Entries     []helpEntry // the application's pages in the reader's language
}

// HelpFallback serves every /help/ address no other route claims: the
// two-segment ones are context-help deep links; the rest, and links that
// point nowhere, get the help centre's 404 page with the search box.
// (A pattern "/help/{app}/{anchor}" would conflict with the prefix
// routes /help/static/ and /help/media/….)
func (p *Site) HelpFallback(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(r.PathValue("path"), "/")
	if len(parts) == 2 && parts[1] == "" {
		parts = parts[:1] // "/help/gestionale/": the application's page list
	}
	app := strings.ToLower(parts[0])
	anchor := ""
	if len(parts) == 2 {
		anchor = strings.ToLower(parts[1])
	}
	if len(parts) > 2 || !deepLinkPart.MatchString(app) || (len(parts) == 2 && !deepLinkPart.MatchString(anchor)) {
		p.deepLinkMissing(w, r, "", "", nil)
		return
	}
	entries, err := p.kb.List(r.Context(), kb.Filter{Status: kb.StatusPublished, Audience: kb.AudiencePublic})
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	var ofApp []kb.Entry
	for _, e := range entries {
		if slices.Contains(applicationsOf(e), app) {
			ofApp = append(ofApp, e)
		}
	}
	if anchor == "" && len(ofApp) > 0 {
		p.applicationPages(w, r, app, ofApp)
		return
	}
	target, ok := deepLinkTarget(ofApp, anchor)
	if !ok {
		p.deepLinkMissing(w, r, app, anchor, ofApp)
		return
	}
	lang := p.publicLang(w, r)
	if target.Lang != lang {
		target = p.inLanguage(r, target, lang)
	}
	loc := "/help/a/" + url.PathEscape(target.ID)
	if l := r.URL.Query().Get("lang"); l != "" {
		loc += "?lang=" + url.QueryEscape(lang)
	}
	if target.Anchor != "" {
		loc += "#" + target.Anchor
	}
	// 302, not 301: the deep link is the stable address; where it points
	// moves with the content.
	http.Redirect(w, r, loc, http.StatusFound)
}

// deepLinkTarget finds the application's entry for anchor: by its anchor
// first, then by its id. The lowest id wins a tie, so the choice is
// stable.
func deepLinkTarget(ofApp []kb.Entry, anchor string) (kb.Entry, bool) {
	if anchor == "" {
		return kb.Entry{}, false
	}
	var found []kb.Entry
	for _, e := range ofApp {
		if strings.EqualFold(e.Anchor, anchor) {
			found = append(found, e)
		}
	}
	if len(found) == 0 {
		for _, e := range ofApp {
			if e.ID == anchor {
				found = append(found, e)
			}
		}
	}
	if len(found) == 0 {
		return kb.Entry{}, false
	}
	slices.SortFunc(found, func(a, b kb.Entry) int { return strings.Compare(a.ID, b.ID) })
	return found[0], true
}

// inLanguage returns the published public translation of e in lang, or e
// itself when there is none.
func (p *Site) inLanguage(r *http.Request, e kb.Entry, lang string) kb.Entry {
	ts, err := p.kb.Translations(r.Context(), e.ID)
	if err != nil {
		p.log.Warn("deep link translations", "entry", e.ID, "err", err)
		return e
	}
	for _, t := range ts {
		if t.Lang == lang && t.Status == kb.StatusPublished && t.Audience == kb.AudiencePublic {
			return t
		}
	}
	return e
}

// applicationPages lists an application's help pages in the reader's
// language (/help/<application>): the index an application may link to.
func (p *Site) applicationPages(w http.ResponseWriter, r *http.Request, app string, ofApp []kb.Entry) {
	v := p.view(w, r, "help.title", nil)
	d := helpListData{Heading: v.T("deeplink.app", app)}
	for _, e := range ofApp {
		if e.Lang == v.Lang {
			d.Entries = append(d.Entries, listed(e))
		}
	}
	slices.SortFunc(d.Entries, func(a, b helpEntry) int { return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)) })
	v.Title, v.Data = d.Heading, d
	p.render(w, http.StatusOK, "help_list", v)
}

// deepLinkMissing is the 404 page: what was asked, the search box filled
// with the anchor's words, and the application's pages when it has some.
func (p *Site) deepLinkMissing(w http.ResponseWriter, r *http.Request, app, anchor string, ofApp []kb.Entry) {
	v := p.view(w, r, "deeplink.title", nil)
	d := helpDeepLinkData{Application: app, Anchor: anchor}
	for _, e := range ofApp {
		if e.Lang == v.Lang {
			d.Entries = append(d.Entries, listed(e))
		}
	}
	slices.SortFunc(d.Entries, func(a, b helpEntry) int { return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)) })
	v.Query = strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ", ".", " ").Replace(anchor))
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, http.StatusNotFound, "help_notfound", v)
}

// deepLinkText holds the strings of the context-help pages; they join
// Text when the package starts (a key defined twice is a build
// defect every test run shows).
var deepLinkText = map[string]map[string]string{
	"deeplink.title":   {"it": "Pagina di aiuto non trovata", "en": "Help page not found"},
	"deeplink.unknown": {"it": "Non troviamo la pagina di aiuto «%s» per l'applicazione «%s»: forse è stata spostata o rinominata.", "en": "We cannot find the help page “%s” for the application “%s”: it may have been moved or renamed."},
	"deeplink.noapp":   {"it": "Questo indirizzo non corrisponde a nessuna pagina di aiuto.", "en": "This address does not lead to any help page."},
	"deeplink.search":  {"it": "Cerca qui sopra con parole tue, oppure sfoglia le pagine:", "en": "Search above in your own words, or browse the pages:"},
	"deeplink.app":     {"it": "Pagine di aiuto di «%s»", "en": "Help pages of “%s”"},
	"deeplink.home":    {"it": "Tutte le guide e le FAQ", "en": "All guides and FAQ"},
}

func init() {
	for k, v := range deepLinkText {
		if _, dup := Text[k]; dup {
			panic(fmt.Sprintf("web: help string %q defined twice", k))
		}
		Text[k] = v
	}
}
