// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"helpdesk/internal/pii"
	"helpdesk/kb"
	"helpdesk/tickets"
)

type kbListData struct {
	Query   string
	Status  string
	Lang    string
	Entries []kb.Entry
	Hits    []kb.Hit
	// Gaps are the last 30 days' most frequent queries without a
	// confident answer, aggregated and with personal data masked: what
	// editors need to write entries, without the tickets behind them.
	Gaps []kb.Gap
}

func (c *Console) KBList(w http.ResponseWriter, r *http.Request) {
	q := filterQuery(r)
	var d kbListData
	var err error
	if d.Query, err = filterText(q, "q", 200); err == nil {
		if d.Status, err = filterChoice(q, "status", []string{string(kb.StatusDraft), string(kb.StatusInReview),
			string(kb.StatusPublished), string(kb.StatusArchived)}); err == nil {
			d.Lang, err = filterChoice(q, "lang_filter", []string{kb.LangIT, kb.LangEN})
		}
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Query = strings.TrimSpace(d.Query)
	ctx := r.Context()
	entries, err := c.kb.List(ctx, kb.Filter{Status: kb.Status(d.Status), Lang: d.Lang})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Query != "" {
		// The index holds published entries only: it finds by meaning; the
		// title match below also finds drafts and archived ones.
		if c.searcher != nil {
			hits, err := c.searcher.Search(ctx, kb.Query{Text: d.Query, Audience: kb.AudienceInternal, Limit: 20, NoLog: true})
			if err != nil {
				c.Fail(w, r, err)
				return
			}
			d.Hits = hits
		}
		needle := strings.ToLower(d.Query)
		var kept []kb.Entry
		for _, e := range entries {
			if strings.Contains(strings.ToLower(e.Title), needle) || strings.Contains(strings.ToLower(e.ID), needle) {
				kept = append(kept, e)
			}
		}
		entries = kept
	}
	d.Entries = entries
	if d.Query == "" {
		st, err := c.kb.Stats(ctx, kb.StatsOptions{Since: c.now().AddDate(0, 0, -30), Limit: 20})
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		for _, g := range st.Gaps {
			g.Query = pii.Mask(g.Query)
			d.Gaps = append(d.Gaps, g)
		}
	}
	c.render(w, r, http.StatusOK, "kb", c.newView(r, "kb.title", d))
}

// kbForm is the editor's form: the entry's fields as text.
type kbForm struct {
	New       bool
	Entry     kb.Entry
	Questions string // one phrasing a line
	Tags      string // comma separated
	Media     string // one a line: type | url | title | duration
	Preview   template.HTML
	Moves     []kb.Status
	Problems  []string
	// Learned are the phrasings users confirmed for the entry, decided
	// or not (kblearned.go).
	Learned []kb.LearnedPhrasing
}

func formOf(e kb.Entry) *kbForm {
	f := &kbForm{Entry: e, Questions: strings.Join(e.Questions, "\n"), Tags: strings.Join(e.Tags, ", ")}
	var lines []string
	for _, m := range e.Media {
		lines = append(lines, strings.Join([]string{m.Type, m.URL, m.Title, m.Duration}, " | "))
	}
	f.Media = strings.Join(lines, "\n")
	for _, s := range []kb.Status{kb.StatusDraft, kb.StatusInReview, kb.StatusPublished, kb.StatusArchived} {
		if e.Status != "" && kb.CheckTransition(e.Status, s) == nil {
			f.Moves = append(f.Moves, s)
		}
	}
	return f
}

// entryFromForm reads the posted fields over base (the stored entry, or
// an empty one for a new entry); status is never taken from the form:
// only the workflow buttons change it.
func entryFromForm(r *http.Request, base kb.Entry) (kb.Entry, error) {
	e := base
	e.Title = strings.TrimSpace(r.PostFormValue("title"))
	e.Body = strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")
	e.Category = strings.TrimSpace(r.PostFormValue("category"))
	e.Product = strings.TrimSpace(r.PostFormValue("product"))
	e.Audience = kb.Audience(r.PostFormValue("audience"))
	if k := r.PostFormValue("kind"); k != "" {
		e.Kind = kb.Kind(k)
	}
	if l := r.PostFormValue("entry_lang"); l != "" {
		e.Lang = l
	}
	e.Questions = nil
	for _, l := range strings.Split(r.PostFormValue("questions"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			e.Questions = append(e.Questions, l)
		}
	}
	e.Tags = nil
	for _, t := range strings.Split(r.PostFormValue("tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			e.Tags = append(e.Tags, t)
		}
	}
	e.Media = nil
	for i, l := range strings.Split(r.PostFormValue("media"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		parts := strings.Split(l, "|")
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		if parts[0] == "" || parts[1] == "" {
			return e, fmt.Errorf("%w: media line %d needs a type and a URL", problem.ErrBadRequest, i+1)
		}
		e.Media = append(e.Media, kb.Media{Type: parts[0], URL: parts[1], Title: parts[2], Duration: parts[3]})
	}
	return e, nil
}

func (c *Console) preview(body string) template.HTML {
	h, err := c.renderer.HTML(body)
	if err != nil {
		return template.HTML(template.HTMLEscapeString(err.Error()))
	}
	return template.HTML(h) // sanitised by kb.Renderer (bluemonday)
}

func (c *Console) KBNew(w http.ResponseWriter, r *http.Request) {
	f := formOf(kb.Entry{Kind: kb.KindFAQ, Lang: pageLang(r), Audience: kb.AudiencePublic})
	f.New = true
	c.render(w, r, http.StatusOK, "kbedit", c.newView(r, "kb.new", f))
}

var entryIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,80}$`)

func (c *Console) KBCreate(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSpace(r.PostFormValue("id"))
	e, err := entryFromForm(r, kb.Entry{ID: id, Status: kb.StatusDraft})
	if err == nil && !entryIDPattern.MatchString(id) {
		err = fmt.Errorf("%w: id must be lower-case letters, digits and dashes", problem.ErrBadRequest)
	}
	if err == nil {
		if _, gerr := c.kb.Get(r.Context(), id); gerr == nil {
			err = fmt.Errorf("%w: an entry with id %s exists", problem.ErrBadRequest, id)
		}
	}
	c.saveEntry(w, r, e, true, err)
}

func (c *Console) KBEdit(w http.ResponseWriter, r *http.Request) {
	e, err := c.kb.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	f := formOf(e)
	f.Preview = c.preview(e.Body)
	if f.Learned, err = c.kb.LearnedPhrasings(r.Context(), e.ID); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "kbedit", c.newView(r, "kb.edit", f))
}

func (c *Console) KBSave(w http.ResponseWriter, r *http.Request) {
	cur, err := c.kb.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	e, err := entryFromForm(r, cur)
	c.saveEntry(w, r, e, false, err)
}

// saveEntry previews (the "preview" button) or saves; a validation error
// shows the form again with the problems, keeping what was typed.
func (c *Console) saveEntry(w http.ResponseWriter, r *http.Request, e kb.Entry, isNew bool, formErr error) {
	f := formOf(e)
	f.New = isNew
	f.Preview = c.preview(e.Body)
	title := "kb.edit"
	if isNew {
		title = "kb.new"
	}
	if formErr == nil && r.PostFormValue("preview") == "" {
		saved, _, err := c.kb.Save(r.Context(), e, actor(r), strings.TrimSpace(r.PostFormValue("note")))
		if err == nil {
			redirect(w, r, "/console/kb/"+url.PathEscape(saved.ID), "flash.saved")
			return
		}
		formErr = err
	}
	v := c.newView(r, title, f)
	code := http.StatusOK
	if formErr != nil {
		var ve *kb.ValidationError
		if errors.As(formErr, &ve) {
			for _, p := range ve.Problems {
				f.Problems = append(f.Problems, p.Error())
			}
		} else {
			f.Problems = append(f.Problems, formErr.Error())
		}
		code = http.StatusUnprocessableEntity
	}
	c.render(w, r, code, "kbedit", v)
}

func (c *Console) KBTransition(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := c.kb.Transition(r.Context(), id, kb.Status(r.PostFormValue("to")), actor(r)); err != nil {
		c.Fail(w, r, err)
		return
	}
	if c.searcher != nil {
		// This instance finds a newly published entry at once; the others
		// within their refresh interval.
		if err := c.searcher.Refresh(r.Context()); err != nil {
			c.log.Warn("refresh search index", "err", err)
		}
	}
	redirect(w, r, "/console/kb/"+url.PathEscape(id), "flash.saved")
}

type kbHistoryData struct {
	Entry     kb.Entry
	Revisions []kb.Revision
	A, B      int
	Diff      []kb.FieldChange
}

func (c *Console) KBHistory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	e, err := c.kb.Get(ctx, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	revs, err := c.kb.Revisions(ctx, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d := kbHistoryData{Entry: e, Revisions: revs}
	a, err := filterInt(filterQuery(r), "a", 1, int64(max(e.Revision, 1)))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	b, err := filterInt(filterQuery(r), "b", 1, int64(max(e.Revision, 1)))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d.A, d.B = int(a), int(b)
	if d.A == 0 && d.B == 0 && e.Revision > 1 {
		d.A, d.B = e.Revision-1, e.Revision
	}
	if d.A > 0 && d.B > 0 {
		if d.Diff, err = c.kb.Diff(ctx, id, d.A, d.B); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "kbhistory", c.newView(r, "kb.history", d))
}

func (c *Console) KBRevert(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	n, err := strconv.Atoi(r.PostFormValue("revision"))
	if err != nil || n <= 0 {
		c.Fail(w, r, fmt.Errorf("%w: revision", problem.ErrBadRequest))
		return
	}
	if _, err := c.kb.Revert(r.Context(), id, n, actor(r)); err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/kb/"+url.PathEscape(id)+"/history", "flash.reverted")
}

// kbFromTicket drafts a FAQ from a resolved ticket: the problem as the
// requester described it, and the closure note as the answer. An editor
// then rewrites it for the public and sends it to review.
func (c *Console) KBFromTicket(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	e, err := c.draftFromTicket(r.Context(), id, pageLang(r), actor(r))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/kb/"+url.PathEscape(e.ID), "flash.drafted")
}

func (c *Console) draftFromTicket(ctx context.Context, ticketID int64, lang, author string) (kb.Entry, error) {
	t, err := c.tickets.Get(ctx, c.db, ticketID)
	if err != nil {
		return kb.Entry{}, err
	}
	if t.State != tickets.StateResolved && t.State != tickets.StateClosed {
		return kb.Entry{}, fmt.Errorf("%w: ticket %s is not resolved", problem.ErrChanged, t.Number)
	}
	if c.convs != nil && t.ConversationID != nil {
		if conv, err := c.convs.Get(ctx, c.db, *t.ConversationID); err == nil {
			lang = conv.Lang
		}
	}
	id := "faq-" + strings.ToLower(t.Number)
	if e, err := c.kb.Get(ctx, id); err == nil {
		return e, nil // drafted before: open it
	}
	body := strings.TrimSpace(t.Description)
	answer := strings.TrimSpace(t.ClosureNote)
	if answer == "" {
		answer = Text.T(lang, "kb.faq_no_note")
	}
	e := kb.Entry{
		ID: id, Kind: kb.KindFAQ, Lang: lang, Status: kb.StatusDraft, Title: t.Subject,
		Questions: []string{t.Subject}, Category: t.Category, Product: t.Product, Audience: kb.AudiencePublic,
		Body: fmt.Sprintf("%s\n\n> %s\n\n%s\n", Text.T(lang, "kb.faq_problem"), strings.ReplaceAll(body, "\n", "\n> "), answer),
	}
	saved, _, err := c.kb.Save(ctx, e, author, "draft from ticket "+t.Number)
	return saved, err
}
