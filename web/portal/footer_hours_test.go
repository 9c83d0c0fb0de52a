// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"testing"

	"helpdesk/tickets"
)

// The footer's sentence is written from the calendar: its days grouped,
// split shifts, the holidays rule and the zone, in both languages.
func TestDeskHours(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		cfg    tickets.CalendarConfig
		it, en string
	}{
		{"default desk", tickets.CalendarConfig{},
			"Servizio di assistenza: lun–ven 8:00–20:00, esclusi i festivi (fuso orario Europe/Rome).",
			"Help desk service: Mon–Fri 8:00–20:00, public holidays excluded (time zone Europe/Rome)."},
		{"Saturday mornings", tickets.CalendarConfig{Hours: map[string]string{"mon": "07:00-18:30", "tue": "07:00-18:30",
			"wed": "07:00-18:30", "thu": "07:00-18:30", "fri": "07:00-18:30", "sat": "07:00-13:30"}},
			"Servizio di assistenza: lun–ven 7:00–18:30; sab 7:00–13:30, esclusi i festivi (fuso orario Europe/Rome).",
			"Help desk service: Mon–Fri 7:00–18:30; Sat 7:00–13:30, public holidays excluded (time zone Europe/Rome)."},
		{"split shifts, a gap midweek", tickets.CalendarConfig{Timezone: "Europe/Zurich", Hours: map[string]string{
			"mon": "08:30-12:30,13:30-17:30", "tue": "08:30-12:30,13:30-17:30", "thu": "08:30-12:30,13:30-17:30", "fri": "09:00-12:00"}},
			"Servizio di assistenza: lun–mar 8:30–12:30 e 13:30–17:30; gio 8:30–12:30 e 13:30–17:30; ven 9:00–12:00, esclusi i festivi (fuso orario Europe/Zurich).",
			"Help desk service: Mon–Tue 8:30–12:30 and 13:30–17:30; Thu 8:30–12:30 and 13:30–17:30; Fri 9:00–12:00, public holidays excluded (time zone Europe/Zurich)."},
		{"round the clock", tickets.CalendarConfig{NoNationalHolidays: true, Hours: map[string]string{"mon": "00:00-24:00", "tue": "00:00-24:00",
			"wed": "00:00-24:00", "thu": "00:00-24:00", "fri": "00:00-24:00", "sat": "00:00-24:00", "sun": "00:00-24:00"}},
			"Servizio di assistenza: lun–dom 0:00–24:00, anche nei festivi (fuso orario Europe/Rome).",
			"Help desk service: Mon–Sun 0:00–24:00, public holidays included (time zone Europe/Rome)."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cal, err := tickets.NewBusinessCalendar(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := deskHours(cal, "it"); got != tt.it {
				t.Errorf("it:\n got %s\nwant %s", got, tt.it)
			}
			if got := deskHours(cal, "en"); got != tt.en {
				t.Errorf("en:\n got %s\nwant %s", got, tt.en)
			}
		})
	}
}
