// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"helpdesk/nlp"
	"helpdesk/tickets"
)

// minDescriptionWords is how many content words (stop words left out) a
// description needs to say what fails: "non funziona" or "problema con
// la vpn" do not.
const minDescriptionWords = 3

// startTicket begins gathering what a ticket needs; text is what the user
// has already said about the problem (may be empty).
func (e *Engine) startTicket(ctx context.Context, t *turn, reason, text string) error {
	t.dlg.Reason = reason
	if t.dlg.Description == "" && contentWords(text, t.lang) >= minDescriptionWords {
		t.dlg.Description = text
	}
	return e.gather(ctx, t, "")
}

// handOff puts the user through to a person at once: the ticket is opened
// with the conversation so far as its description (said is the message
// asking for the person; its request words are not a description), and
// the conversation is queued. Nothing more is asked: what the user writes
// while queued is added to the ticket.
func (e *Engine) handOff(ctx context.Context, t *turn, said string) error {
	t.dlg.Reason = "human"
	var parts []string
	for _, p := range []string{t.dlg.Query, t.dlg.Description} {
		if p = strings.TrimSpace(p); p != "" && !containsPart(parts, p) {
			parts = append(parts, p)
		}
	}
	if said = strings.TrimSpace(said); said != "" && !nlp.RequestOnly(said, t.lang) && !containsPart(parts, said) {
		parts = append(parts, said)
	}
	told := len(parts) > 0
	if !told {
		parts = []string{e.t(t, "handoff.asked")}
	}
	t.dlg.Description = strings.Join(parts, "\n")
	if t.dlg.Product == "" {
		t.dlg.Product = e.productOf(ctx, t, t.dlg.Description)
	}
	if t.dlg.Product == "" {
		t.dlg.Product = "-"
	}
	if t.dlg.Email == "" {
		t.dlg.Email = "-"
	}
	if err := e.openTicket(ctx, t); err != nil {
		return err
	}
	if !told {
		t.say(Reply{Text: e.t(t, "queued.describe")})
	}
	return nil
}

func containsPart(parts []string, p string) bool {
	for _, q := range parts {
		if strings.Contains(q, p) {
			return true
		}
	}
	return false
}

// gather stores the answer to the pending question (if any), then asks the
// next missing thing or opens the ticket when nothing is missing.
func (e *Engine) gather(ctx context.Context, t *turn, answer string) error {
	switch t.dlg.Step {
	case "describe":
		if answer != "" {
			if t.dlg.Description != "" {
				t.dlg.Description += "\n" + answer
			} else {
				t.dlg.Description = answer
			}
		}
		if contentWords(t.dlg.Description, t.lang) < minDescriptionWords {
			t.say(Reply{Text: e.t(t, "gather.describe.more"), Buttons: []Button{{Label: e.t(t, "btn.cancel"), Action: actCancel}}})
			return nil
		}
	case "product":
		if answer == "" {
			answer = "-" // "I don't know" is an answer
		}
		t.dlg.Product = answer
	case "email":
		if answer != "" {
			if !validEmail(answer) && t.dlg.EmailTries == 0 {
				t.dlg.EmailTries++
				t.say(Reply{Text: e.t(t, "gather.email.bad"), Buttons: []Button{{Label: e.t(t, "btn.skip"), Action: actSkip}}})
				return nil
			}
			if validEmail(answer) {
				t.dlg.Email = answer
			}
		}
		if t.dlg.Email == "" {
			t.dlg.Email = "-" // skipped
		}
	}
	switch {
	case t.dlg.Description == "":
		t.dlg.Step = "describe"
		t.say(Reply{Text: e.t(t, "gather.describe"), Buttons: []Button{{Label: e.t(t, "btn.cancel"), Action: actCancel}}})
		return nil
	case t.dlg.Product == "" && e.inferProduct(ctx, t):
		return e.gather(ctx, t, "")
	case t.dlg.Product == "":
		t.dlg.Step = "product"
		t.say(Reply{Text: e.t(t, "gather.product"), Buttons: []Button{{Label: e.t(t, "btn.dontknow"), Action: actDontKnow}}})
		return nil
	case t.dlg.Email == "" && t.requester.Email == "":
		t.dlg.Step = "email"
		t.say(Reply{Text: e.t(t, "gather.email"), Buttons: []Button{{Label: e.t(t, "btn.skip"), Action: actSkip}}})
		return nil
	}
	return e.openTicket(ctx, t)
}

// inferProduct fills the product when the entry the user tried, or what
// they wrote, already names it, so the bot does not ask; it reports
// whether it did.
func (e *Engine) inferProduct(ctx context.Context, t *turn) bool {
	p := ""
	if t.dlg.Reason == "not_solved" {
		p = t.dlg.ShownProduct
	}
	if p == "" {
		p = e.productOf(ctx, t, t.dlg.Description+"\n"+t.dlg.Query)
	}
	if p == "" {
		return false
	}
	t.dlg.Product, t.dlg.Step = p, ""
	return true
}

// productOf returns the product text names, when the knowledge base can
// tell (ProductFinder); "" otherwise.
func (e *Engine) productOf(ctx context.Context, t *turn, text string) string {
	pf, ok := e.opt.Knowledge.(ProductFinder)
	if !ok || strings.TrimSpace(text) == "" {
		return ""
	}
	p, err := pf.ProductIn(ctx, text, t.lang)
	if err != nil {
		e.log.Warn("product of a description", "err", err)
		return ""
	}
	return p
}

// openTicket classifies the gathered description, opens the ticket,
// queues the conversation for a level-1 agent and tells the user the
// number, the priority and when to expect an answer.
func (e *Engine) openTicket(ctx context.Context, t *turn) error {
	d := t.dlg
	sev, err := e.assess(ctx, t, d.Description)
	if err != nil {
		return err
	}
	t.dlg.Severity = note(sev)
	typ := tickets.Type(sev.Type.Level)
	if !typ.Valid() || typ == tickets.TypeSuggestion {
		typ = tickets.TypeIncident
	}
	product := d.Product
	if product == "-" {
		product = ""
	}
	if d.Email != "" && d.Email != "-" {
		if _, err := e.opt.Tickets.EnsureRequester(ctx, t.tx, tickets.Identity{Channel: t.in.Channel, ExternalID: t.in.User.ID, Email: d.Email}); err != nil {
			return err
		}
	}
	convID := t.conv.ID
	tk, err := e.opt.Tickets.Create(ctx, t.tx, "bot", tickets.NewTicket{
		RequesterID: &t.requester.ID, ConversationID: &convID, OriginChannel: t.in.Channel,
		Subject: subjectOf(d.Description), Description: d.Description, Assessment: e.ticketAssessment(t, sev), Type: typ,
		Product: product, Urgency: levelOf(sev.Urgency.Level), Impact: levelOf(sev.Impact.Level), Level: 1,
	})
	if err != nil {
		return err
	}
	t.ticket = tk
	t.conv.TicketID = &tk.ID
	t.conv.Level = 1
	t.setState("bot", StateQueued)
	t.event("bot", "ticket_opened", d.Reason, tk.Number)
	t.dlg.Step = ""
	t.dlg.Description, t.dlg.Product, t.dlg.Email, t.dlg.EmailTries = "", "", "", 0

	msg := e.t(t, "ticket.opened", tk.Number, tk.Priority)
	due := e.promiseCalendar(tk).AddWorkingHours(t.now, e.opt.FirstResponse[tk.Priority])
	queue := e.queueCalendar(tk.Level)
	if !queue.IsOpen(t.now) {
		msg += "\n" + e.t(t, "closed.now", formatWhen(t.lang, queue.NextOpening(t.now), t.now, queue.Location()))
	} else {
		msg += "\n" + e.t(t, "ticket.queued")
	}
	msg += "\n" + e.t(t, "ticket.firstresponse", formatWhen(t.lang, due, t.now, queue.Location()))
	links, err := e.trackingLinks(ctx, t, tk)
	if err != nil {
		return err
	}
	t.say(Reply{Text: msg, Links: links})
	return nil
}

// ticketAssessment is what the bot concluded, kept beside the user's
// words (tickets.Assessment) rather than appended to them: the agent reads
// the description as the user wrote it and the assessment in a panel of
// its own.
func (e *Engine) ticketAssessment(t *turn, sev nlp.Severity) tickets.Assessment {
	a := tickets.Assessment{
		Urgency: sev.Urgency.Level, Impact: sev.Impact.Level, Type: sev.Type.Level,
		UrgencyConfidence: sev.Urgency.Confidence, ImpactConfidence: sev.Impact.Confidence, TypeConfidence: sev.Type.Confidence,
		Tried: append([]string(nil), t.dlg.Tried...),
	}
	if t.dlg.Severity != nil {
		a.Why = append([]string(nil), t.dlg.Severity.Why...)
	}
	if t.dlg.Query != "" && !strings.Contains(t.dlg.Description, t.dlg.Query) {
		a.Query = t.dlg.Query
	}
	return a
}

func (e *Engine) trackingLinks(ctx context.Context, t *turn, tk *tickets.Ticket) ([]Link, error) {
	u, err := e.trackURL(ctx, t.tx, tk)
	if err != nil || u == "" {
		return nil, err
	}
	return []Link{{Label: tk.Number, URL: u}}, nil
}

// trackURL is the requester's tracking link: with an unguessable token
// when the web side issues them (Options.TrackLink), in the same
// transaction as the ticket.
func (e *Engine) trackURL(ctx context.Context, q sqlx.ExecerContext, tk *tickets.Ticket) (string, error) {
	if e.opt.TrackLink != nil {
		return e.opt.TrackLink(ctx, q, tk.ID, tk.Number)
	}
	if e.opt.BaseURL == "" {
		return "", nil
	}
	return strings.TrimRight(e.opt.BaseURL, "/") + "/track/" + tk.Number, nil
}

// suggestion records an improvement idea as a suggestion ticket.
func (e *Engine) suggestion(ctx context.Context, t *turn) error {
	convID := t.conv.ID
	tk, err := e.opt.Tickets.Create(ctx, t.tx, "bot", tickets.NewTicket{
		RequesterID: &t.requester.ID, ConversationID: &convID, OriginChannel: t.in.Channel,
		Subject: subjectOf(t.in.Text), Description: t.in.Text, Type: tickets.TypeSuggestion,
		Urgency: tickets.Low, Impact: tickets.Low,
	})
	if err != nil {
		return err
	}
	t.ticket = tk
	t.dlg = dialogue{}
	t.event("bot", "suggestion", "", tk.Number)
	t.say(Reply{Text: e.t(t, "suggestion.thanks", tk.Number)})
	return nil
}

// status tells the requester where their ticket stands — only their own.
func (e *Engine) status(ctx context.Context, t *turn, ref string) error {
	t.dlg.Step = ""
	if ref == "" {
		list, err := e.opt.Tickets.OfRequester(ctx, t.tx, t.requester.ID, 3)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			t.say(Reply{Text: e.t(t, "status.none")})
			return nil
		}
		lines := []string{e.t(t, "status.list")}
		for _, tk := range list {
			lines = append(lines, e.t(t, "status.line", tk.Number, e.t(t, "state."+string(tk.State)), tk.Subject))
		}
		t.say(Reply{Text: strings.Join(lines, "\n")})
		return nil
	}
	number := ref
	if !strings.HasPrefix(number, "HD-") {
		var seq int
		if _, err := fmt.Sscan(ref, &seq); err != nil || seq <= 0 {
			t.say(Reply{Text: e.t(t, "status.notfound", ref)})
			return nil
		}
		number = tickets.FormatNumber(t.now.In(e.opt.Calendar.Location()).Year(), seq)
	}
	tk, err := e.opt.Tickets.GetByNumber(ctx, t.tx, number)
	if errors.Is(err, tickets.ErrNotFound) || (err == nil && (tk.RequesterID == nil || *tk.RequesterID != t.requester.ID)) {
		// Someone else's ticket is answered exactly like a missing one.
		t.say(Reply{Text: e.t(t, "status.notfound", number)})
		return nil
	}
	if err != nil {
		return err
	}
	lines := []string{e.t(t, "status.line", tk.Number, e.t(t, "state."+string(tk.State)), tk.Subject)}
	comments, err := e.opt.Tickets.Comments(ctx, t.tx, tk.ID, false)
	if err != nil {
		return err
	}
	if n := len(comments); n > 0 {
		c := comments[n-1]
		lines = append(lines, e.t(t, "status.update", formatWhen(t.lang, c.CreatedAt, t.now, e.opt.Calendar.Location()), c.Body))
	} else {
		lines = append(lines, e.t(t, "status.noupdate"))
	}
	links, err := e.trackingLinks(ctx, t, tk)
	if err != nil {
		return err
	}
	t.say(Reply{Text: strings.Join(lines, "\n"), Links: links})
	return nil
}

func levelOf(s string) tickets.Level {
	l := tickets.Level(s)
	if !l.Valid() {
		return tickets.Medium
	}
	return l
}

// subjectOf takes the first sentence of a description, at most 80 runes.
func subjectOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".!?\n"); i > 10 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) > 80 {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:77])) + "…"
	}
	if s == "" {
		s = "-"
	}
	return s
}

func contentWords(s, lang string) int { return len(nlp.Analyze(lang, s)) }

var (
	weekdaysIT = []string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	monthsIT   = []string{"", "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
)

// formatWhen says a moment the way people do: "oggi alle 14:00", "domani
// alle 08:00", "lunedì 7 dicembre alle 08:00" (English likewise).
func formatWhen(lang string, when, now time.Time, loc *time.Location) string {
	w, n := when.In(loc), now.In(loc)
	days := civilDays(w) - civilDays(n)
	clock := w.Format("15:04")
	if lang == "en" {
		switch days {
		case 0:
			return "today at " + clock
		case 1:
			return "tomorrow at " + clock
		}
		return w.Format("Monday 2 January") + " at " + clock
	}
	switch days {
	case 0:
		return "oggi alle " + clock
	case 1:
		return "domani alle " + clock
	}
	return fmt.Sprintf("%s %d %s alle %s", weekdaysIT[w.Weekday()], w.Day(), monthsIT[w.Month()], clock)
}

func civilDays(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
