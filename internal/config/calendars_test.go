// SPDX-License-Identifier: EUPL-1.2

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tenderCalendars = `
calendars:
  level1:
    hours: {mon: "08:00-13:00,14:00-17:00", tue: "08:00-13:00,14:00-17:00"}
  on_site:
    hours: {mon: "08:30-12:30,13:30-17:30"}
    local_holidays: ["12-07"]
    closures: [{from: "2027-08-09", to: "2027-08-13", reason: "ferie"}]
queues:
  level1: {calendar: level1}
  level2: {calendar: default}
teams:
  on_site: {calendar: on_site}
sla:
  calendars:
    all: {intervention: on_site}
    P1: {first_response: default}
`

func loadYAML(t *testing.T, doc string, env ...string) (Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return Load(path, env)
}

func TestNamedCalendarsLoad(t *testing.T) {
	cfg, err := loadYAML(t, tenderCalendars, "HELPDESK_QUEUES_LEVEL2_CALENDAR=on_site")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Calendars["on_site"].Hours["mon"] != "08:30-12:30,13:30-17:30" || cfg.Calendars["on_site"].Closures[0].Reason != "ferie" ||
		cfg.Queues.Level1.Calendar != "level1" || cfg.Queues.Level2.Calendar != "on_site" || cfg.Teams["on_site"].Calendar != "on_site" ||
		cfg.SLA.Calendars["all"]["intervention"] != "on_site" || cfg.SLA.Calendars["P1"]["first_response"] != "default" {
		t.Fatalf("%+v %+v %+v %+v", cfg.Calendars, cfg.Queues, cfg.Teams, cfg.SLA)
	}
}

// TestUnknownCalendarStopsStartUp: a name no calendar has, in any place
// that names one, is refused with the key that holds it.
func TestUnknownCalendarStopsStartUp(t *testing.T) {
	tests := []struct {
		name, replace, with, key string
		env                      []string
	}{
		{"queue", "level1: {calendar: level1}", "level1: {calendar: levl1}", "queues.level1.calendar", nil},
		{"queue from env", "", "", "queues.level2.calendar", []string{"HELPDESK_QUEUES_LEVEL2_CALENDAR=onsite"}},
		{"team", "on_site: {calendar: on_site}", "on_site: {calendar: on-site}", "teams.on_site.calendar", nil},
		{"target", "all: {intervention: on_site}", "all: {intervention: site}", "sla.calendars.all.intervention", nil},
		{"unknown target", "P1: {first_response: default}", "P1: {first_answer: default}", "sla.calendars.P1.first_answer", nil},
		{"unknown priority", "P1: {first_response: default}", "P5: {first_response: default}", "sla.calendars.P5", nil},
		{"calendar without hours", "    local_holidays:", "    hours: {}\n    local_holidays:", "calendars.on_site.hours", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tenderCalendars
			if tc.replace != "" {
				if !strings.Contains(doc, tc.replace) {
					t.Fatalf("fixture lacks %q", tc.replace)
				}
				doc = strings.Replace(doc, tc.replace, tc.with, 1)
			}
			if tc.name == "calendar without hours" {
				doc = strings.Replace(doc, "    hours: {mon: \"08:30-12:30,13:30-17:30\"}\n", "", 1)
			}
			_, err := loadYAML(t, doc, tc.env...)
			var ce *Error
			if !errors.As(err, &ce) || ce.Key != tc.key {
				t.Fatalf("err = %v, want a config error on %s", err, tc.key)
			}
		})
	}
}
