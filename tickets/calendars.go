// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
)

// DefaultCalendarName is the name of the desk's main calendar (the
// configuration's calendar section).
const DefaultCalendarName = "default"

// CalendarRules say which calendar a ticket's clocks run on. Every name
// must be a calendar of the registry; empty means the default.
type CalendarRules struct {
	// Level1 and Level2 are the queues' calendars: the bot's "the desk
	// reopens …" and every clock of a ticket at that level.
	Level1, Level2 string
	// Teams maps a ticket's group (e.g. on_site) to its calendar; it wins
	// over the level's.
	Teams map[string]string
	// Targets maps a priority ("P1" … "P4", or "all") to a target to its
	// calendar; the priority's own entry wins over "all", and both win
	// over the team's and the level's calendar.
	Targets map[string]map[Target]string
}

// Calendars is the registry of the desk's named calendars and of the
// rules that pick one for a ticket and a target. It is read-only once
// built, so safe for concurrent use.
type Calendars struct {
	byName map[string]*BusinessCalendar
	hashes map[string]string
	rules  CalendarRules
}

// NewCalendars builds every calendar of named (which must hold
// DefaultCalendarName) and checks that the rules name only those.
func NewCalendars(named map[string]CalendarConfig, rules CalendarRules) (*Calendars, error) {
	if _, ok := named[DefaultCalendarName]; !ok {
		return nil, fmt.Errorf("%w: no %q calendar", ErrCalendar, DefaultCalendarName)
	}
	c := &Calendars{byName: map[string]*BusinessCalendar{}, hashes: map[string]string{}, rules: rules}
	for name, cfg := range named {
		bc, err := NewBusinessCalendar(cfg)
		if err != nil {
			return nil, fmt.Errorf("calendar %s: %w", name, err)
		}
		c.byName[name] = bc
		c.hashes[name] = configHash(cfg)
	}
	check := func(what, name string) error {
		if name == "" {
			return nil
		}
		if _, ok := c.byName[name]; !ok {
			return fmt.Errorf("%w: %s names calendar %q, which is not configured", ErrCalendar, what, name)
		}
		return nil
	}
	if err := check("level 1", rules.Level1); err != nil {
		return nil, err
	}
	if err := check("level 2", rules.Level2); err != nil {
		return nil, err
	}
	for team, name := range rules.Teams {
		if err := check("team "+team, name); err != nil {
			return nil, err
		}
	}
	for prio, targets := range rules.Targets {
		for target, name := range targets {
			if err := check(fmt.Sprintf("SLA %s %s", prio, target), name); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// SingleCalendar is a registry where everything runs on cal: the desk
// before named calendars, and tests.
func SingleCalendar(cal *BusinessCalendar) *Calendars {
	return &Calendars{byName: map[string]*BusinessCalendar{DefaultCalendarName: cal}, hashes: map[string]string{}}
}

// configHash is a stable digest of a calendar's configuration: JSON of a
// struct with sorted map keys, so the same settings always hash alike.
func configHash(cfg CalendarConfig) string {
	b, _ := json.Marshal(cfg) // plain strings, maps and slices: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Default is the desk's main calendar.
func (c *Calendars) Default() *BusinessCalendar { return c.byName[DefaultCalendarName] }

// Named returns the calendar called name ("" is the default).
func (c *Calendars) Named(name string) (*BusinessCalendar, bool) {
	if name == "" {
		name = DefaultCalendarName
	}
	bc, ok := c.byName[name]
	return bc, ok
}

// Names lists the calendars, sorted.
func (c *Calendars) Names() []string {
	out := make([]string, 0, len(c.byName))
	for n := range c.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Hash is the digest of the named calendar's configuration ("" for a
// registry built by SingleCalendar).
func (c *Calendars) Hash(name string) string { return c.hashes[name] }

// LevelName is the calendar of a level's queue.
func (c *Calendars) LevelName(level int) string {
	name := c.rules.Level1
	if level == 2 {
		name = c.rules.Level2
	}
	if name == "" {
		return DefaultCalendarName
	}
	return name
}

// Level is the calendar of a level's queue: when it answers, when it
// reopens.
func (c *Calendars) Level(level int) *BusinessCalendar { return c.byName[c.LevelName(level)] }

// NameFor names the calendar target of t is counted on: the SLA rule for
// its priority and target, else the rule for every priority, else its
// team's, else its level's.
func (c *Calendars) NameFor(t *Ticket, target Target) string {
	if name := c.rules.Targets[string(t.Priority)][target]; name != "" {
		return name
	}
	if name := c.rules.Targets["all"][target]; name != "" {
		return name
	}
	if name := c.rules.Teams[t.GroupName]; name != "" {
		return name
	}
	return c.LevelName(t.Level)
}

// For is the calendar target of t is counted on.
func (c *Calendars) For(t *Ticket, target Target) *BusinessCalendar {
	return c.byName[c.NameFor(t, target)]
}
