// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"helpdesk/tickets"
)

// slaClockView is one service-level clock as the ticket page shows it.
type slaClockView struct {
	Target    string // translated target name
	Goal      string
	Elapsed   string
	Paused    string
	Due       string // empty when met or paused
	Remaining string // negative remaining reads "overdue by …"
	Status    string // translated state
	Class     string // running, paused, met, breached, warned
}

// slaClocksData is what the clocks fragment receives.
type slaClocksData struct {
	lang     string
	TicketID int64
	Clocks   []slaClockView
}

// T looks up a clocks string in the page's language.
func (d *slaClocksData) T(key string, args ...any) string { return reportText.T(d.lang, key, args...) }

// slaCalendar is the business calendar the clocks are counted in: the
// one the server was given (Options.Calendar, wired by the lead into the
// console), else the default desk calendar, which is also what the SLA
// scan uses when nothing is configured.
func (c *Console) slaCalendar() *tickets.BusinessCalendar {
	if c.calendar != nil {
		return c.calendar
	}
	return tickets.DefaultBusinessCalendar()
}

// slaCalendars picks each clock's calendar: the registry the server was
// given, else slaCalendar for every clock.
func (c *Console) slaCalendars() *tickets.Calendars {
	if c.calendars != nil {
		return c.calendars
	}
	return tickets.SingleCalendar(c.slaCalendar())
}

// workingDuration writes a working-time duration as hours and minutes.
func workingDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h == 0 {
		return fmt.Sprintf("%s%d min", sign, m)
	}
	return fmt.Sprintf("%s%d h %02d min", sign, h, m)
}

// slaClockViews turns the clocks into what the page shows.
func slaClockViews(lang string, clocks []tickets.Clock, loc *time.Location) []slaClockView {
	tr := func(key string, args ...any) string { return reportText.T(lang, key, args...) }
	var out []slaClockView
	for _, c := range clocks {
		v := slaClockView{Target: tr("target." + string(c.Target)), Goal: workingDuration(c.Goal),
			Elapsed: workingDuration(c.Elapsed), Paused: workingDuration(c.Paused)}
		if c.Due != nil {
			v.Due = c.Due.In(loc).Format("2006-01-02 15:04")
		}
		if c.Met == nil {
			if rem := c.Remaining(); rem < 0 {
				v.Remaining = tr("sla.overdue", workingDuration(-rem))
			} else {
				v.Remaining = workingDuration(rem)
			}
		}
		switch {
		case c.Met != nil && c.Breached:
			v.Class, v.Status = "breached", tr("sla.state.met_late")
		case c.Met != nil:
			v.Class, v.Status = "met", tr("sla.state.met")
		case c.Breached:
			v.Class, v.Status = "breached", tr("sla.state.breached")
		case c.PausedNow:
			v.Class, v.Status = "paused", tr("sla.state.paused")
		case c.Warned:
			v.Class, v.Status = "warned", tr("sla.state.warned")
		default:
			v.Class, v.Status = "running", tr("sla.state.running")
		}
		out = append(out, v)
	}
	return out
}

// slaClocks computes a ticket's clocks now, with the policy that fits it
// (the configured policies, else the defaults, as the SLA scan does).
func (c *Console) slaClocks(r *http.Request, t *tickets.Ticket, events []tickets.Event) (*slaClocksData, error) {
	policies, err := c.tickets.Policies(r.Context(), c.db)
	if err != nil {
		return nil, err
	}
	if len(policies) == 0 {
		policies = tickets.DefaultPolicies()
	}
	d := &slaClocksData{lang: pageLang(r), TicketID: t.ID}
	p, ok := tickets.PolicyFor(policies, t)
	if !ok {
		return d, nil
	}
	clocks := tickets.ClocksOn(t, events, p, c.slaCalendars(), c.now())
	d.Clocks = slaClockViews(d.lang, clocks, c.loc)
	return d, nil
}

// SLAPanel renders the ticket's clocks as an HTML block for the ticket
// page: the page's handler, which already holds the ticket and its
// events, puts it in its data and the template writes {{.Data.SLA}}.
func (c *Console) SLAPanel(r *http.Request, t *tickets.Ticket, events []tickets.Event) (template.HTML, error) {
	d, err := c.slaClocks(r, t, events)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := c.pages["sla_part"].ExecuteTemplate(&buf, "slaclocks", d); err != nil {
		return "", fmt.Errorf("render sla clocks: %w", err)
	}
	return template.HTML(buf.String()), nil // produced by html/template
}

// ticketSLA serves a ticket's clocks alone, as an HTML fragment (for a
// block on the ticket page that loads or refreshes it).
func (c *Console) TicketSLA(w http.ResponseWriter, r *http.Request) {
	t, ok := c.pathTicket(w, r)
	if !ok {
		return
	}
	ctx, id := r.Context(), t.ID
	evs, err := c.tickets.Events(ctx, c.db, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d, err := c.slaClocks(r, t, evs)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "sla_part", c.newView(r, "app.name", d))
}
