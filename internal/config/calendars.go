// SPDX-License-Identifier: EUPL-1.2

package config

import (
	"fmt"
	"sort"
	"strings"
)

// slaTargets are the service-level targets a calendar can be named for
// (tickets.Targets; config imports no domain package).
var slaTargets = map[string]bool{"take_charge": true, "first_response": true, "intervention": true, "resolve": true}

// validateCalendarNames checks that every calendar a queue, team or SLA
// target names exists, so a typo stops start-up with the key that holds
// it instead of silently counting on the default hours.
func validateCalendarNames(cfg *Config) error {
	known := func(name string) bool {
		if name == "" || name == "default" {
			return true
		}
		_, ok := cfg.Calendars[name]
		return ok
	}
	names := []string{"default"}
	for n := range cfg.Calendars {
		names = append(names, n)
	}
	sort.Strings(names)
	expect := "the name of a calendar: " + strings.Join(names, ", ") + " (calendars.NAME)"
	if _, ok := cfg.Calendars["default"]; ok {
		return &Error{Key: "calendars.default", Value: "default", Expect: "another name: the default calendar is the calendar section"}
	}
	for name, c := range cfg.Calendars {
		if name == "" || strings.ContainsAny(name, " .") {
			return &Error{Key: "calendars." + name, Value: name, Expect: "a name of letters, digits, _ or -"}
		}
		if len(c.Hours) == 0 {
			return &Error{Key: "calendars." + name + ".hours", Value: "", Expect: "the opening hours of at least one weekday"}
		}
	}
	for key, name := range map[string]string{"queues.level1.calendar": cfg.Queues.Level1.Calendar, "queues.level2.calendar": cfg.Queues.Level2.Calendar} {
		if !known(name) {
			return &Error{Key: key, Env: "HELPDESK_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_")), Value: name, Expect: expect}
		}
	}
	for team, t := range cfg.Teams {
		if !known(t.Calendar) {
			return &Error{Key: "teams." + team + ".calendar", Value: t.Calendar, Expect: expect}
		}
	}
	for prio, targets := range cfg.SLA.Calendars {
		switch prio {
		case "P1", "P2", "P3", "P4", "all":
		default:
			return &Error{Key: "sla.calendars." + prio, Value: prio, Expect: "a priority P1 … P4, or all"}
		}
		for target, name := range targets {
			key := fmt.Sprintf("sla.calendars.%s.%s", prio, target)
			if !slaTargets[target] {
				return &Error{Key: key, Value: target, Expect: "a target: take_charge, first_response, intervention, resolve"}
			}
			if !known(name) {
				return &Error{Key: key, Value: name, Expect: expect}
			}
		}
	}
	return nil
}
