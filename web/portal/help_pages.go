// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"helpdesk/web/problem"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"helpdesk/kb"
)

// helpEntry is an entry as the help centre lists it.
type helpEntry struct {
	ID       string
	Title    string
	Lang     string
	Kind     kb.Kind
	Category string
	Passage  string
	Link     string
}

// helpCategory is one category with its entries.
type helpCategory struct {
	Name    string
	Entries []helpEntry
}

type helpHomeData struct {
	Categories []helpCategory
	Kinds      []helpKindList
}

type helpKindList struct {
	Kind    kb.Kind
	Entries []helpEntry
	More    bool
}

// published returns the public, published entries in lang, by title.
func (p *Site) published(r *http.Request, lang string) ([]kb.Entry, error) {
	es, err := p.kb.List(r.Context(), kb.Filter{Status: kb.StatusPublished, Lang: lang, Audience: kb.AudiencePublic})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(es, func(a, b kb.Entry) int { return cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)) })
	return es, nil
}

func listed(e kb.Entry) helpEntry {
	return helpEntry{ID: e.ID, Title: e.Title, Lang: e.Lang, Kind: e.Kind, Category: e.Category, Link: "/help/a/" + e.ID}
}

// categoriesOf groups entries by category, in name order.
func categoriesOf(es []kb.Entry) []helpCategory {
	by := map[string][]helpEntry{}
	for _, e := range es {
		if e.Category != "" {
			by[e.Category] = append(by[e.Category], listed(e))
		}
	}
	out := make([]helpCategory, 0, len(by))
	for name, list := range by {
		out = append(out, helpCategory{Name: name, Entries: list})
	}
	slices.SortFunc(out, func(a, b helpCategory) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

var helpKinds = []kb.Kind{kb.KindFAQ, kb.KindTutorial, kb.KindManual}

func (p *Site) HelpHome(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r, "help.title", nil)
	es, err := p.published(r, v.Lang)
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	d := helpHomeData{Categories: categoriesOf(es)}
	for _, k := range helpKinds {
		kl := helpKindList{Kind: k}
		for _, e := range es {
			if e.Kind == k {
				if len(kl.Entries) == 6 {
					kl.More = true
					break
				}
				kl.Entries = append(kl.Entries, listed(e))
			}
		}
		d.Kinds = append(d.Kinds, kl)
	}
	v.Data = d
	p.render(w, http.StatusOK, "help_home", v)
}

type helpListData struct {
	Heading string
	Entries []helpEntry
}

func (p *Site) HelpCategory(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("category")
	v := p.view(w, r, "help.title", nil)
	es, err := p.published(r, v.Lang)
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	d := helpListData{Heading: name}
	for _, e := range es {
		if e.Category == name {
			d.Entries = append(d.Entries, listed(e))
		}
	}
	if len(d.Entries) == 0 {
		p.Fail(w, r, kb.ErrNotFound)
		return
	}
	v.Title, v.Data = name, d
	p.render(w, http.StatusOK, "help_list", v)
}

func (p *Site) HelpKind(w http.ResponseWriter, r *http.Request) {
	kind := kb.Kind(r.PathValue("kind"))
	if !slices.Contains(helpKinds, kind) {
		p.Fail(w, r, kb.ErrNotFound)
		return
	}
	v := p.view(w, r, "kind."+string(kind), nil)
	es, err := p.published(r, v.Lang)
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	d := helpListData{Heading: v.Title}
	for _, e := range es {
		if e.Kind == kind {
			d.Entries = append(d.Entries, listed(e))
		}
	}
	v.Data = d
	p.render(w, http.StatusOK, "help_list", v)
}

// helpMedia is a media item ready for the page.
type helpMedia struct {
	Type, Title, URL, Duration string
	Playable                   bool        // a video or audio file the browser can play in the page
	Vector                     bool        // an SVG slide deck or image
	Tracks                     []helpTrack // a playable file's captions (<track>)
	// Host is the site of a file not shipped with the content (https://…):
	// its player turns into a message and a link when the file does not
	// load (media.js), and a page that is not a file is only linked.
	Host string
}

// helpTrack is a video's captions in one language: a WebVTT file beside
// the video in the content folder, named <video name>.<lang>.vtt
// ("media/health/vpn-tutorial.it.vtt" for "media/health/vpn-tutorial.mp4").
type helpTrack struct {
	Lang, Label, URL string
	Default          bool // in the page's language: shown without asking
}

// captionLangs are the languages captions are looked for in, with each
// language's name in itself (the player's menu).
var captionLangs = []struct{ lang, label string }{{"it", "Italiano"}, {"en", "English"}}

// Remote says whether a medium comes from another site (media.js watches
// its player).
func (d helpArticleData) Remote() bool {
	return slices.ContainsFunc(d.Media, func(m helpMedia) bool { return m.Host != "" && m.Playable })
}

// MediaHeading names the media section by what it holds: "Videos and
// slides" only when there is a video.
func (d helpArticleData) MediaHeading() string {
	if slices.ContainsFunc(d.Media, func(m helpMedia) bool { return m.Type == "video" }) {
		return "help.media"
	}
	return "help.media.still"
}

type helpArticleData struct {
	Entry        kb.Entry
	Body         template.HTML
	Media        []helpMedia
	Translations []helpEntry
	SearchID     int64
	Voted        string
	KindLabelKey string
}

// mediaOf turns an entry's media into page items: files relative to the
// content folder are served under /help/media/; a local video's captions
// are the WebVTT files beside it that exists (a path under media/) finds,
// the one in lang shown by default.
func mediaOf(e kb.Entry, lang string, exists func(rel string) bool) []helpMedia {
	out := make([]helpMedia, 0, len(e.Media))
	for _, m := range e.Media {
		u, rel := m.URL, ""
		if !strings.Contains(u, "://") {
			rel = strings.TrimPrefix(path.Clean("/"+strings.TrimPrefix(u, "media/")), "/")
			u = "/help/media/" + rel
		}
		ext := strings.ToLower(path.Ext(strings.SplitN(u, "?", 2)[0]))
		hm := helpMedia{Type: m.Type, Title: m.Title, URL: u, Duration: m.Duration}
		if rel == "" {
			if pu, err := url.Parse(u); err == nil {
				hm.Host = pu.Host
			}
		}
		switch {
		case (m.Type == "video" || m.Type == "audio") && slices.Contains([]string{".mp4", ".webm", ".ogv", ".ogg", ".mp3", ".m4a"}, ext):
			hm.Playable = true
		case (m.Type == "slides" || m.Type == "image") && ext == ".svg":
			hm.Vector = true
		}
		if hm.Playable && rel != "" && exists != nil {
			for _, c := range captionLangs {
				vtt := strings.TrimSuffix(rel, path.Ext(rel)) + "." + c.lang + ".vtt"
				if exists(vtt) {
					hm.Tracks = append(hm.Tracks, helpTrack{Lang: c.lang, Label: c.label, URL: "/help/media/" + vtt, Default: c.lang == lang})
				}
			}
		}
		if hm.Title == "" {
			hm.Title = path.Base(u)
		}
		out = append(out, hm)
	}
	return out
}

func (p *Site) HelpArticle(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r, "help.title", nil)
	e, err := p.kb.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	if e.Status != kb.StatusPublished || e.Audience != kb.AudiencePublic {
		p.Fail(w, r, kb.ErrNotFound)
		return
	}
	body, err := p.renderer.HTML(e.Body)
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	d := helpArticleData{Entry: e, Body: template.HTML(body), Media: mediaOf(e, v.Lang, p.mediaExists), KindLabelKey: "kind." + string(e.Kind),
		Voted: r.URL.Query().Get("voted")}
	d.SearchID, _ = strconv.ParseInt(r.URL.Query().Get("s"), 10, 64)
	if ts, err := p.kb.Translations(r.Context(), e.ID); err == nil {
		for _, t := range ts {
			if t.Status == kb.StatusPublished && t.Audience == kb.AudiencePublic && t.ID != e.ID {
				d.Translations = append(d.Translations, listed(t))
			}
		}
	} else {
		p.log.Warn("translations", "entry", e.ID, "err", err)
	}
	v.Title, v.Data = e.Title, d
	p.render(w, http.StatusOK, "help_article", v)
}

// HelpFeedback records "was this helpful?": the page view becomes a shown
// answer (tied to the search that led to it, if any) and is rated.
func (p *Site) HelpFeedback(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	e, err := p.kb.Get(r.Context(), id)
	if err != nil || e.Status != kb.StatusPublished || e.Audience != kb.AudiencePublic {
		p.Fail(w, r, kb.ErrNotFound)
		return
	}
	var helpful bool
	switch r.PostFormValue("helpful") {
	case "yes":
		helpful = true
	case "no":
	default:
		p.Fail(w, r, problem.ErrBadRequest)
		return
	}
	if err := p.limiter.allow(r.Context(), rateLimit{"feedback", p.clientKey(r), 30, hour}); err != nil {
		p.Fail(w, r, err)
		return
	}
	sid, _ := strconv.ParseInt(r.PostFormValue("s"), 10, 64)
	ref, err := p.kb.RecordAnswer(r.Context(), max(sid, 0), kb.Hit{EntryID: e.ID, Revision: e.Revision}, ChatChannel)
	if err != nil && sid > 0 {
		// A forged or pruned search id: record the vote without it.
		ref, err = p.kb.RecordAnswer(r.Context(), 0, kb.Hit{EntryID: e.ID, Revision: e.Revision}, ChatChannel)
	}
	if err == nil {
		err = p.kb.RateAnswer(r.Context(), ref, helpful)
	}
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	if helpful && sid > 0 {
		// The search that led here and the entry that helped: a
		// confirmation, counted by a hash of the address (not the address).
		if _, err := p.kb.ConfirmSearch(r.Context(), sid, e.ID, kb.ConfirmVote, "web:"+hashKey(p.clientKey(r))); err != nil {
			p.log.Warn("record confirmation", "entry", e.ID, "err", err)
		}
	}
	vote := "no"
	if helpful {
		vote = "yes"
	}
	http.Redirect(w, r, "/help/a/"+e.ID+"?voted="+vote+"#feedback", http.StatusSeeOther)
}

type helpSearchData struct {
	Hits []helpEntry
}

// maxQueryBytes caps a search text.
const maxQueryBytes = 500

func (p *Site) HelpSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > maxQueryBytes {
		q = q[:maxQueryBytes]
	}
	v := p.view(w, r, "search.title", nil)
	v.Query = q
	d := helpSearchData{}
	if q != "" && p.searcher != nil {
		hits, err := p.searcher.Search(r.Context(), kb.Query{Text: q, Lang: v.Lang, Audience: kb.AudiencePublic, Limit: 10, Channel: ChatChannel})
		if err != nil {
			p.Fail(w, r, err)
			return
		}
		for _, h := range hits {
			link := "/help/a/" + h.EntryID
			if h.SearchID > 0 {
				link += "?s=" + strconv.FormatInt(h.SearchID, 10)
			}
			d.Hits = append(d.Hits, helpEntry{ID: h.EntryID, Title: h.Title, Kind: h.Kind, Category: h.Category, Passage: h.Passage, Link: link})
		}
	}
	v.Data = d
	p.render(w, http.StatusOK, "help_search", v)
}

// serveMedia serves a file of the content folder's media/ (videos,
// slides) and nothing else.
// mediaExists says whether rel names a file under the content folder's
// media/ (captions beside a video).
func (p *Site) mediaExists(rel string) bool {
	if p.opt.ContentDir == "" {
		return false
	}
	root, err := os.OpenRoot(filepath.Join(p.opt.ContentDir, "media"))
	if err != nil {
		return false
	}
	defer root.Close()
	st, err := root.Stat(filepath.FromSlash(rel))
	return err == nil && st.Mode().IsRegular()
}

func (p *Site) ServeMedia(w http.ResponseWriter, r *http.Request) {
	rel := r.PathValue("path")
	if p.opt.ContentDir == "" || rel == "" || strings.Contains(rel, "\\") || strings.HasPrefix(path.Clean("/"+rel), "/..") {
		http.NotFound(w, r)
		return
	}
	root, err := os.OpenRoot(filepath.Join(p.opt.ContentDir, "media"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(path.Clean(rel)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if strings.EqualFold(path.Ext(rel), ".vtt") {
		// Not in every system's MIME table; a <track> needs it exactly.
		w.Header().Set("Content-Type", "text/vtt; charset=utf-8")
	}
	if strings.EqualFold(path.Ext(rel), ".svg") {
		// An SVG may carry script: shown as an image it cannot run, and
		// opened alone it is sandboxed.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	http.ServeContent(w, r, st.Name(), st.ModTime(), f)
}

// KbLink answers the bot's links (/kb/<id>, /kb/media/…): entries move to
// the help centre, media are served from the content folder.
func (p *Site) KbLink(w http.ResponseWriter, r *http.Request) {
	rest := r.PathValue("path")
	if media, ok := strings.CutPrefix(rest, "media/"); ok {
		r.SetPathValue("path", media)
		p.ServeMedia(w, r)
		return
	}
	if rest == "" || strings.Contains(rest, "/") {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, "/help/a/"+rest, http.StatusMovedPermanently)
}

// hashKey is a short one-way digest of a client's address: enough to count
// distinct people, without keeping the address.
func hashKey(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}
