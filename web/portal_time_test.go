// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"errors"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"helpdesk/tickets"
	"helpdesk/web/portal"
)

// deskCalendar is the desk of the default configuration: Europe/Rome,
// Monday to Friday 08–20, Italian national holidays.
func deskCalendar(t *testing.T) *tickets.BusinessCalendar {
	t.Helper()
	cal, err := tickets.NewBusinessCalendar(tickets.CalendarConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if cal.Location().String() != "Europe/Rome" {
		t.Fatalf("default desk zone %s, want Europe/Rome", cal.Location())
	}
	return cal
}

// elementText is the text of the element with id in page ("" when absent).
func elementText(page, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(m[1]))
}

// TestFormConfirmationPromise: the web form's confirmation promises what
// the chat promises — a first-level answer by a time counted in the
// desk's working hours, and when the desk is closed, when it reopens — in
// the desk's zone (the process runs in UTC, TestMain); a mail that did not
// leave is a warning beside the confirmation, not inside it.
func TestFormConfirmationPromise(t *testing.T) {
	t.Parallel()
	// 09:10 UTC is 10:10 in Rome on Wednesday 2 December 2026 (desk open);
	// 19:30 UTC on Friday 4 December is 20:30 in Rome (closed until Monday
	// 08:00; Tuesday 8 December is a national holiday).
	wednesday := time.Date(2026, 12, 2, 9, 10, 0, 0, time.UTC)
	friday := time.Date(2026, 12, 4, 19, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		now       time.Time
		lang      string
		mailFails bool
		opened    string                      // "Aperta il" in Rome
		due       map[tickets.Priority]string // the first response, by the ticket's priority
		closed    string                      // "" when the desk is open
	}{
		{"open, mail sent", wednesday, "it", false, "02/12/2026 10:10",
			map[tickets.Priority]string{"P1": "oggi alle 11:10", "P2": "oggi alle 14:10", "P3": "oggi alle 18:10", "P4": "domani alle 14:10"}, ""},
		{"open, mail failed", wednesday, "it", true, "02/12/2026 10:10",
			map[tickets.Priority]string{"P1": "oggi alle 11:10", "P2": "oggi alle 14:10", "P3": "oggi alle 18:10", "P4": "domani alle 14:10"}, ""},
		{"closed, mail sent", friday, "it", false, "04/12/2026 20:30",
			map[tickets.Priority]string{"P1": "lunedì 7 dicembre alle 09:00", "P2": "lunedì 7 dicembre alle 12:00",
				"P3": "lunedì 7 dicembre alle 16:00", "P4": "mercoledì 9 dicembre alle 12:00"}, "lunedì 7 dicembre alle 08:00"},
		{"closed, mail failed, English", friday, "en", true, "04/12/2026 20:30",
			map[tickets.Priority]string{"P1": "Monday 7 December at 09:00", "P2": "Monday 7 December at 12:00",
				"P3": "Monday 7 December at 16:00", "P4": "Wednesday 9 December at 12:00"}, "Monday 7 December at 08:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := tc.now
			p := newPortalWith(t, portalSetup{Calendar: deskCalendar(t), Now: func() time.Time { return now }})
			if tc.mailFails {
				p.mail.fail = errors.New("smtp down")
			}
			c := p.client()
			form := validForm("promise@example.org")
			if tc.lang == "en" {
				form.Set("category", "Printing")
			}
			code, body, h := p.postMultipart(c, "/help/request?lang="+tc.lang, form, "", nil)
			if code != 303 {
				t.Fatalf("form = %d\n%.500s", code, body)
			}
			_, page, _ := p.get(c, h.Get("Location"))
			number := elementText(page, "ticket-number")
			tk := p.ticket(number)
			T := func(key string, args ...any) string { return portal.Text.T(tc.lang, key, args...) }

			notice, warning := elementText(page, "notice"), elementText(page, "page-warning")
			if tc.mailFails {
				if notice != T("track.created.only") || warning != T("track.nomail") {
					t.Errorf("mail failed: notice %q, warning %q; want %q and the warning %q", notice, warning, T("track.created.only"), T("track.nomail"))
				}
			} else if notice != T("track.created") || warning != "" {
				t.Errorf("mail sent: notice %q, warning %q; want %q and no warning", notice, warning, T("track.created"))
			}
			want, ok := tc.due[tk.Priority]
			if !ok {
				t.Fatalf("priority %q not in the table", tk.Priority)
			}
			if got := elementText(page, "first-response"); got != T("track.firstresponse", want) {
				t.Errorf("first response %q, want %q", got, T("track.firstresponse", want))
			}
			if got := elementText(page, "desk-closed"); tc.closed == "" && got != "" || tc.closed != "" && got != T("track.closed", tc.closed) {
				t.Errorf("closed notice %q, want %q", got, tc.closed)
			}
			if !strings.Contains(page, `>`+tc.opened+`</time>`) {
				t.Errorf("the opening time is not shown as %s (Rome):\n%s", tc.opened, regexp.MustCompile(`<time[^<]*</time>`).FindAllString(page, -1))
			}

			// The same page opened later (no confirmation flag) promises nothing.
			_, again, _ := p.get(c, strings.Split(h.Get("Location"), "&flash=")[0])
			if elementText(again, "first-response") != "" || elementText(again, "notice") != "" {
				t.Errorf("the tracking page repeats the confirmation")
			}
		})
	}
}

// TestFooterHoursFromCalendar: the footer of every public page states the
// configured hours and zone, not a fixed sentence — here a desk open on
// Saturday mornings too, in both languages.
func TestFooterHoursFromCalendar(t *testing.T) {
	t.Parallel()
	cal, err := tickets.NewBusinessCalendar(tickets.CalendarConfig{Hours: map[string]string{"mon": "07:00-18:30", "tue": "07:00-18:30",
		"wed": "07:00-18:30", "thu": "07:00-18:30", "fri": "07:00-18:30", "sat": "07:00-13:30"}})
	if err != nil {
		t.Fatal(err)
	}
	p := newPortalWith(t, portalSetup{Calendar: cal})
	c := p.client()
	for _, tt := range []struct{ path, want string }{
		{"/help/?lang=it", "Servizio di assistenza: lun–ven 7:00–18:30; sab 7:00–13:30, esclusi i festivi (fuso orario Europe/Rome)."},
		{"/help/request?lang=en", "Help desk service: Mon–Fri 7:00–18:30; Sat 7:00–13:30, public holidays excluded (time zone Europe/Rome)."},
		{"/track/?lang=it", "Servizio di assistenza: lun–ven 7:00–18:30; sab 7:00–13:30, esclusi i festivi (fuso orario Europe/Rome)."},
	} {
		code, page, _ := p.get(c, tt.path)
		if got := elementText(page, "desk-hours"); code != 200 || got != tt.want {
			t.Errorf("%s: %d, footer %q, want %q", tt.path, code, got, tt.want)
		}
	}
}
