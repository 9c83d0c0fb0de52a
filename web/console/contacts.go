// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"helpdesk/web/intake"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"helpdesk/internal/db"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// Contacts that do not arrive by chat, e-mail or the web form — a
// telephone call, a fax, someone at the desk, a mail forwarded by hand —
// are recorded by an agent on one keyboard-first page: look the
// requester up (or type them in), pick the channel, write what they say;
// the severity model suggests urgency and impact as the agent types, the
// agent confirms or changes them, and the answer page shows the ticket
// number large enough to read back to the caller.

//go:embed contacts.sql
var contactQueryFS embed.FS

// contactQueries are the contact page's own SQL (contacts.sql).
type contactQueries struct {
	LookupText  string `query:"requester-lookup-text"`
	LookupPhone string `query:"requester-lookup-phone"`
	Products    string `query:"products"`
}

// contactChannels are the channels an agent records contacts from, in
// the order the page offers them; they become the ticket's origin.
var contactChannels = []string{"phone", "fax", "in_person", "mail"}

// contactForm is the page's fields, as posted.
type contactForm struct {
	RequesterID int64
	Requester   string // the chosen requester, as shown
	Lookup      string
	Name        string
	Email       string
	Phone       string
	Lang        string
	Channel     string
	Product     string
	Description string
	Urgency     string
	Impact      string
}

type contactPageData struct {
	Form     contactForm
	Errors   intake.FieldErrors
	Channels []string
	Levels   []tickets.Level
	Products []string
	Matrix   string // urgency → impact → priority, for the page's script
}

// contactPage shows the empty form (the menu's "New contact", access key N).
func (c *Console) ContactPage(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	f := contactForm{Channel: "phone", Lang: lang}
	ch, err := filterChoice(filterQuery(r), "channel", contactChannels)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if ch != "" {
		f.Channel = ch
	}
	c.renderContact(w, r, http.StatusOK, f, intake.FieldErrors{})
}

func (c *Console) renderContact(w http.ResponseWriter, r *http.Request, code int, f contactForm, errs intake.FieldErrors) {
	matrix, _ := json.Marshal(c.tickets.Matrix())
	d := contactPageData{Form: f, Errors: errs, Channels: contactChannels, Levels: []tickets.Level{tickets.High, tickets.Medium, tickets.Low},
		Matrix: string(matrix)}
	if err := c.db.SelectContext(r.Context(), &d.Products, c.contactQ.Products); err != nil {
		c.log.Warn("contact page products", "err", err)
	}
	v := c.newView(r, "contact.title", d)
	if len(errs) > 0 {
		v.Error = v.T("contact.fix")
	}
	c.render(w, r, code, "contact", v)
}

// contactSubmit opens the ticket and sends the agent to the answer page.
func (c *Console) ContactSubmit(w http.ResponseWriter, r *http.Request) {
	f, errs := decodeContactForm(r)
	if len(errs) > 0 {
		c.renderContact(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	sev := c.severity.Assess(r.Context(), f.Description, f.Lang)
	typ, urgency, impact := intake.SeverityLevels(sev)
	// The agent's choice wins over the model's suggestion; an empty field
	// (a page without script) takes the suggestion.
	if l := tickets.Level(f.Urgency); l.Valid() {
		urgency = l
	}
	if l := tickets.Level(f.Impact); l.Valid() {
		impact = l
	}
	if typ == tickets.TypeSuggestion {
		typ = tickets.TypeIncident
	}
	opened, err := c.intake.Open(r.Context(), intake.Request{RequesterID: f.RequesterID, Name: f.Name, Email: f.Email,
		Phone: tickets.NormalizePhone(f.Phone), Lang: f.Lang, OriginChannel: f.Channel, Actor: actor(r), Via: "contact-" + f.Channel,
		Subject: subjectOf(f.Description), Description: f.Description, Product: f.Product, Type: typ, Urgency: urgency, Impact: impact})
	if err != nil {
		if errors.Is(err, tickets.ErrNotFound) {
			errs["lookup"] = "field.invalid"
			f.RequesterID = 0
			c.renderContact(w, r, http.StatusUnprocessableEntity, f, errs)
			return
		}
		c.Fail(w, r, err)
		return
	}
	mail := "sent"
	if err := c.intake.Confirm(r.Context(), opened, f.Lang); err != nil {
		switch {
		case errors.Is(err, intake.ErrNoAddress):
			mail = "noaddress"
		case errors.Is(err, intake.ErrNoMailer):
			mail = "nomailer"
		default:
			c.log.Error("contact confirmation mail", "ticket", opened.Ticket.Number, "err", err)
			mail = "failed"
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/console/contacts/%d?mail=%s", opened.Ticket.ID, mail), http.StatusSeeOther)
}

// decodeContactForm reads and checks the posted fields.
func decodeContactForm(r *http.Request) (contactForm, intake.FieldErrors) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := contactForm{Requester: v("requester"), Lookup: v("lookup"), Name: v("name"), Email: v("email"), Phone: v("phone"),
		Lang: v("lang"), Channel: v("channel"), Product: v("product"), Description: v("description"),
		Urgency: v("urgency"), Impact: v("impact")}
	f.RequesterID, _ = strconv.ParseInt(v("requester_id"), 10, 64)
	if f.Lang != "en" {
		f.Lang = "it"
	}
	errs := intake.FieldErrors{}
	if !slices.Contains(contactChannels, f.Channel) {
		errs["channel"] = "field.invalid"
	}
	switch {
	case f.Description == "":
		errs["description"] = "field.required"
	case len(f.Description) > intake.MaxDescriptionBytes:
		errs["description"] = "field.toolong"
	case !utf8.ValidString(f.Description) || strings.ContainsFunc(f.Description, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		errs["description"] = "field.invalid"
	case utf8.RuneCountInString(f.Description) < intake.MinDescriptionRunes:
		errs["description"] = "field.tooshort"
	}
	if len(f.Product) > intake.MaxSubjectBytes || strings.ContainsAny(f.Product, "\r\n") {
		errs["product"] = "field.invalid"
	}
	if len(f.Name) > intake.MaxNameBytes || strings.ContainsAny(f.Name, "\r\n") {
		errs["name"] = "field.invalid"
	}
	if f.Email != "" {
		if a, err := mail.ParseAddress(f.Email); err != nil || a.Name != "" || a.Address != f.Email || len(f.Email) > intake.MaxEmailBytes {
			errs["email"] = "field.email"
		}
	}
	if f.Phone != "" && tickets.NormalizePhone(f.Phone) == "" {
		errs["phone"] = "field.phone"
	}
	if f.RequesterID <= 0 {
		f.RequesterID = 0
		carryLookup(&f)
		switch {
		case f.Email == "" && f.Phone == "":
			errs["lookup"] = "field.requester"
		case f.Name == "":
			errs["name"] = "field.required"
		}
	}
	for _, l := range []string{f.Urgency, f.Impact} {
		if l != "" && !tickets.Level(l).Valid() {
			errs["severity"] = "field.invalid"
		}
	}
	return f, errs
}

// carryLookup uses what was typed in the lookup box when no requester
// was picked and no detail given (a page without script, or Enter before
// the list came): an e-mail address, a telephone number or a name, as
// the page's script would have carried it over.
func carryLookup(f *contactForm) {
	q := strings.TrimSpace(f.Lookup)
	if q == "" || f.Name != "" || f.Email != "" || f.Phone != "" {
		return
	}
	switch {
	case strings.Contains(q, "@"):
		f.Email = q
	case tickets.NormalizePhone(q) != "":
		f.Phone = q
	default:
		f.Name = q
	}
}

// subjectOf is a ticket subject from what the agent wrote: the first
// line, cut at a word near 80 characters.
func subjectOf(desc string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(desc), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= 80 {
		return line
	}
	runes := []rune(line)[:80]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > 40 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// requesterMatch is one line of the requester lookup.
type requesterMatch struct {
	ID          int64  `db:"id" json:"id"`
	Name        string `db:"name" json:"name"`
	Email       string `db:"email" json:"email"`
	Lang        string `db:"lang" json:"lang"`
	Phone       string `db:"phone" json:"phone"`
	OpenTickets int    `db:"open_tickets" json:"open_tickets"`
}

// lookupArgs turns what the agent typed into the lookup's parameters: a
// LIKE pattern on name and e-mail, and the digits a telephone number
// ends with (when at least four digits were typed).
func lookupArgs(q string) (text, phone string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if utf8.RuneCountInString(q) < 2 {
		return "", ""
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, q)
	if len(digits) >= 4 && tickets.NormalizePhone(q) != "" {
		return "", "%" + digits
	}
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	return "%" + esc + "%", ""
}

// lookupRequesters finds up to eight requesters by name, e-mail address
// or telephone number.
func (c *Console) lookupRequesters(ctx context.Context, q string) ([]requesterMatch, error) {
	text, phone := lookupArgs(q)
	out := []requesterMatch{}
	if text == "" && phone == "" {
		return out, nil
	}
	query, arg := c.contactQ.LookupText, text
	if phone != "" {
		query, arg = c.contactQ.LookupPhone, phone
	}
	if err := c.db.SelectContext(ctx, &out, query, arg, tickets.OpenStatesArg()); err != nil {
		return nil, fmt.Errorf("requester lookup: %w", err)
	}
	return out, nil
}

// contactLookup answers the page's type-ahead (JSON).
func (c *Console) ContactLookup(w http.ResponseWriter, r *http.Request) {
	q, err := filterText(filterQuery(r), "q", intake.MaxNameBytes)
	if err != nil {
		msg, _ := filterMessage(err, pageLang(r))
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": msg})
		return
	}
	ms, err := c.lookupRequesters(r.Context(), q)
	if err != nil {
		c.log.Error("requester lookup", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": Text.T(pageLang(r), "error.internal")})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"requesters": ms})
}

// severitySuggestion is the model's opinion on a description, as the
// page shows it while the agent types.
type severitySuggestion struct {
	Urgency  tickets.Level    `json:"urgency"`
	Impact   tickets.Level    `json:"impact"`
	Type     tickets.Type     `json:"type"`
	Priority tickets.Priority `json:"priority"`
	Because  []string         `json:"because"` // the phrases of the text that weighed
	Label    string           `json:"label"`   // the suggestion in words, in the page's language
}

// suggestSeverity runs the severity model the bot uses.
func (c *Console) suggestSeverity(ctx context.Context, text, lang, pageLang string) severitySuggestion {
	sev := c.severity.Assess(ctx, text, lang)
	typ, u, i := intake.SeverityLevels(sev)
	s := severitySuggestion{Urgency: u, Impact: i, Type: typ, Priority: c.tickets.Matrix().Priority(u, i), Because: []string{}}
	for _, cue := range sev.Cues {
		if cue.Match != "" && !slices.Contains(s.Because, cue.Match) {
			s.Because = append(s.Because, cue.Match)
		}
	}
	tr := func(k string, a ...any) string { return Text.T(pageLang, k, a...) }
	s.Label = tr("contact.suggested", tr("level."+string(u)), tr("level."+string(i)), s.Priority)
	if len(s.Because) > 0 {
		s.Label += " " + tr("contact.because", "«"+strings.Join(s.Because, "», «")+"»")
	}
	return s
}

// contactSeverity answers the page's live suggestion (JSON).
func (c *Console) ContactSeverity(w http.ResponseWriter, r *http.Request) {
	text := strings.TrimSpace(r.PostFormValue("description"))
	if len(text) > intake.MaxDescriptionBytes {
		text = text[:intake.MaxDescriptionBytes]
	}
	lang := r.PostFormValue("lang")
	if lang != "en" {
		lang = "it"
	}
	writeJSON(w, http.StatusOK, c.suggestSeverity(r.Context(), text, lang, pageLang(r)))
}

type contactDoneData struct {
	Ticket        *tickets.Ticket
	Spoken        string // the number in groups, as read on the telephone
	Requester     *tickets.Requester
	Channel       string
	FirstResponse string // when the first answer is due, in the desk's time
	TakeCharge    string
	Mail          string // what became of the confirmation mail, in words
	MailSent      bool
}

// contactDone is the answer page: the number, large, to read back.
func (c *Console) ContactDone(w http.ResponseWriter, r *http.Request) {
	t, ok := c.pathTicket(w, r)
	if !ok {
		return
	}
	ctx, id := r.Context(), t.ID
	d := contactDoneData{Ticket: t, Spoken: spokenNumber(t.Number), Channel: t.OriginChannel}
	var err error
	if t.RequesterID != nil {
		if d.Requester, err = c.tickets.GetRequester(ctx, c.db, *t.RequesterID); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	lang := pageLang(r)
	switch m := r.URL.Query().Get("mail"); m {
	case "sent":
		to := ""
		if d.Requester != nil {
			to = d.Requester.Email
		}
		d.Mail, d.MailSent = Text.T(lang, "contact.mail.sent", to), true
	case "noaddress", "nomailer", "failed":
		d.Mail = Text.T(lang, "contact.mail."+m)
	}
	evs, err := c.tickets.Events(ctx, c.db, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	policies, err := c.tickets.Policies(ctx, c.db)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if len(policies) == 0 {
		policies = tickets.DefaultPolicies()
	}
	if p, ok := tickets.PolicyFor(policies, t); ok {
		for _, cl := range tickets.ClocksOn(t, evs, p, c.slaCalendars(), c.now()) {
			if cl.Due == nil {
				continue
			}
			due := cl.Due.In(c.loc).Format("2006-01-02 15:04")
			switch cl.Target {
			case tickets.TargetFirstResponse:
				d.FirstResponse = due
			case tickets.TargetTakeCharge:
				d.TakeCharge = due
			}
		}
	}
	c.render(w, r, http.StatusOK, "contact_done", c.newView(r, "contact.done_title", d))
}

// spokenNumber groups a ticket number for reading aloud:
// HD-2026-000123 → "HD · 2026 · 000 123".
func spokenNumber(n string) string {
	parts := strings.Split(n, "-")
	if len(parts) != 3 || len(parts[2]) != 6 {
		return n
	}
	return parts[0] + " · " + parts[1] + " · " + parts[2][:3] + " " + parts[2][3:]
}

// newContactDesk builds what the contact page needs beyond the console:
// its queries, the severity model and the ticket intake.
func newContactDesk(c *Console, opt Options) error {
	if err := db.ScanQueries(&c.contactQ, contactQueryFS, "contacts.sql"); err != nil {
		return err
	}
	c.severity = opt.Severity
	if c.severity == nil {
		m, err := nlp.NewSeverityModel()
		if err != nil {
			return err
		}
		c.severity = m
	}
	c.intake = opt.Intake
	return nil
}

// writeJSON answers a script of the page (the requester lookup, the
// severity suggestion) with v and no caching.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
