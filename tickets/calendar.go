// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Rome must resolve even on hosts without zone files

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/it"
)

// ErrCalendar is returned by NewBusinessCalendar for a configuration it
// cannot use; the wrapped message names the offending value.
var ErrCalendar = errors.New("invalid business calendar")

// CalendarConfig is the configuration shape of a BusinessCalendar, ready to
// be embedded in the service configuration. The zero value means the
// default desk: Monday to Friday 08:00–20:00, Europe/Rome, Italian national
// holidays, no local holidays, no closures.
type CalendarConfig struct {
	// Timezone is an IANA zone name; empty means Europe/Rome.
	Timezone string `yaml:"timezone"`
	// Hours maps a weekday ("mon".."sun" or "monday".."sunday") to its
	// opening ranges: "08:00-20:00", or several separated by commas
	// ("08:30-13:00,14:00-17:30"). A missing day or "closed" means closed;
	// "24:00" is allowed as an end. An empty map means the default hours.
	Hours map[string]string `yaml:"hours"`
	// LocalHolidays are extra closed days: "MM-DD" every year (a patron
	// saint: "12-07" in Milan) or "YYYY-MM-DD" once.
	LocalHolidays []string `yaml:"local_holidays"`
	// Closures are closed date ranges, both ends included.
	Closures []Closure `yaml:"closures"`
	// NoNationalHolidays opens the desk on national holidays too (a 24/7
	// service); false is the usual public-office rule.
	NoNationalHolidays bool `yaml:"no_national_holidays"`
}

// Closure is a closed range of days, e.g. the week of 15 August.
type Closure struct {
	From   string `yaml:"from"` // YYYY-MM-DD, included
	To     string `yaml:"to"`   // YYYY-MM-DD, included; empty means From only
	Reason string `yaml:"reason"`
}

// BusinessCalendar answers when the help desk is open. It is safe for
// concurrent use. Every computation works on calendar days in the desk's
// zone and builds each opening instant with time.Date, so a DST change
// moves the absolute instants, never the wall-clock hours.
type BusinessCalendar struct {
	loc      *time.Location
	hours    [7][]clockRange // indexed by time.Weekday
	national []*cal.Holiday
	yearly   map[monthDay]string
	once     map[civilDate]string
	closures []dateRange

	mu    sync.Mutex
	years map[int]map[monthDay]string // national holidays per year, computed once
}

type clockRange struct{ from, to int } // minutes since midnight, to may be 1440

type monthDay struct {
	m time.Month
	d int
}

type civilDate struct {
	y int
	m time.Month
	d int
}

type dateRange struct {
	from, to civilDate
	reason   string
}

func (d civilDate) before(o civilDate) bool {
	if d.y != o.y {
		return d.y < o.y
	}
	if d.m != o.m {
		return d.m < o.m
	}
	return d.d < o.d
}

// SanFrancesco is the national holiday of 4 October restored by law
// 151/2025 from 2026 on; rickar/cal v2.1.13 does not know it yet.
var SanFrancesco = &cal.Holiday{
	Name:      "San Francesco d'Assisi",
	Type:      cal.ObservancePublic,
	StartYear: 2026,
	Month:     time.October,
	Day:       4,
	Func:      cal.CalcDayOfMonth,
}

// ItalianHolidays returns the national holidays the calendar closes on:
// the library's list plus 4 October from 2026.
func ItalianHolidays() []*cal.Holiday {
	out := append([]*cal.Holiday(nil), it.Holidays...)
	return append(out, SanFrancesco)
}

// DefaultCalendarHours is the desk's default week: Monday to Friday,
// 08:00–20:00.
func DefaultCalendarHours() map[string]string {
	return map[string]string{"mon": "08:00-20:00", "tue": "08:00-20:00", "wed": "08:00-20:00", "thu": "08:00-20:00", "fri": "08:00-20:00"}
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// NewBusinessCalendar validates cfg and builds the calendar.
func NewBusinessCalendar(cfg CalendarConfig) (*BusinessCalendar, error) {
	zone := cfg.Timezone
	if zone == "" {
		zone = "Europe/Rome"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("%w: timezone %q: %v", ErrCalendar, zone, err)
	}
	c := &BusinessCalendar{loc: loc, yearly: map[monthDay]string{}, once: map[civilDate]string{}, years: map[int]map[monthDay]string{}}
	hours := cfg.Hours
	if len(hours) == 0 {
		hours = DefaultCalendarHours()
	}
	open := false
	for name, spec := range hours {
		wd, ok := weekdayNames[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return nil, fmt.Errorf("%w: unknown weekday %q", ErrCalendar, name)
		}
		ranges, err := parseRanges(spec)
		if err != nil {
			return nil, fmt.Errorf("%w: hours of %s: %v", ErrCalendar, name, err)
		}
		c.hours[wd] = ranges
		open = open || len(ranges) > 0
	}
	if !open {
		return nil, fmt.Errorf("%w: no working hours on any day", ErrCalendar)
	}
	if !cfg.NoNationalHolidays {
		c.national = ItalianHolidays()
	}
	for _, h := range cfg.LocalHolidays {
		h = strings.TrimSpace(h)
		if d, err := parseDate(h); err == nil {
			c.once[d] = "local holiday"
			continue
		}
		md, err := parseMonthDay(h)
		if err != nil {
			return nil, fmt.Errorf("%w: local holiday %q: want MM-DD or YYYY-MM-DD", ErrCalendar, h)
		}
		c.yearly[md] = "local holiday"
	}
	for _, cl := range cfg.Closures {
		from, err := parseDate(cl.From)
		if err != nil {
			return nil, fmt.Errorf("%w: closure from %q: want YYYY-MM-DD", ErrCalendar, cl.From)
		}
		to := from
		if cl.To != "" {
			if to, err = parseDate(cl.To); err != nil {
				return nil, fmt.Errorf("%w: closure to %q: want YYYY-MM-DD", ErrCalendar, cl.To)
			}
		}
		if to.before(from) {
			return nil, fmt.Errorf("%w: closure %s..%s ends before it starts", ErrCalendar, cl.From, cl.To)
		}
		reason := cl.Reason
		if reason == "" {
			reason = "closure"
		}
		c.closures = append(c.closures, dateRange{from: from, to: to, reason: reason})
	}
	return c, nil
}

// DefaultBusinessCalendar is the calendar of the zero configuration.
func DefaultBusinessCalendar() *BusinessCalendar {
	c, err := NewBusinessCalendar(CalendarConfig{})
	if err != nil { // only if the zone database is missing: main imports time/tzdata
		panic(err)
	}
	return c
}

// Location is the desk's time zone.
func (c *BusinessCalendar) Location() *time.Location { return c.loc }

// ClosedDay reports why the calendar day of t (in the desk's zone) is
// closed as a whole: a national holiday (its Italian name), a local
// holiday or a closure. It says nothing about weekly hours.
func (c *BusinessCalendar) ClosedDay(t time.Time) (reason string, closed bool) {
	y, m, d := t.In(c.loc).Date()
	return c.closedDate(civilDate{y, m, d})
}

func (c *BusinessCalendar) closedDate(d civilDate) (string, bool) {
	if name, ok := c.nationalYear(d.y)[monthDay{d.m, d.d}]; ok {
		return name, true
	}
	if name, ok := c.once[d]; ok {
		return name, true
	}
	if name, ok := c.yearly[monthDay{d.m, d.d}]; ok {
		return name, true
	}
	for _, r := range c.closures {
		if !d.before(r.from) && !r.to.before(d) {
			return r.reason, true
		}
	}
	return "", false
}

// nationalYear computes the year's national holidays once; Easter moves.
func (c *BusinessCalendar) nationalYear(y int) map[monthDay]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.years[y]; ok {
		return m
	}
	m := map[monthDay]string{}
	for _, h := range c.national {
		actual, _ := h.Calc(y)
		if !actual.IsZero() {
			m[monthDay{actual.Month(), actual.Day()}] = h.Name
		}
	}
	if len(c.years) > 64 { // bound memory for callers walking many years
		c.years = map[int]map[monthDay]string{}
	}
	c.years[y] = m
	return m
}

// span is one opening interval in absolute time.
type span struct{ from, to time.Time }

// dayOpenings returns the opening intervals of the civil day d, in order.
func (c *BusinessCalendar) dayOpenings(d civilDate) []span {
	if _, closed := c.closedDate(d); closed {
		return nil
	}
	wd := time.Date(d.y, d.m, d.d, 12, 0, 0, 0, c.loc).Weekday()
	ranges := c.hours[wd]
	out := make([]span, 0, len(ranges))
	for _, r := range ranges {
		out = append(out, span{
			from: time.Date(d.y, d.m, d.d, 0, r.from, 0, 0, c.loc),
			to:   time.Date(d.y, d.m, d.d, 0, r.to, 0, 0, c.loc),
		})
	}
	return out
}

func (c *BusinessCalendar) civil(t time.Time) civilDate {
	y, m, d := t.In(c.loc).Date()
	return civilDate{y, m, d}
}

func next(d civilDate) civilDate {
	n := time.Date(d.y, d.m, d.d+1, 12, 0, 0, 0, time.UTC)
	return civilDate{n.Year(), n.Month(), n.Day()}
}

// maxSearchDays bounds every forward search: a calendar closed for more
// than two years running has no next opening worth computing.
const maxSearchDays = 2 * 366

// IsOpen reports whether the desk is open at instant t.
func (c *BusinessCalendar) IsOpen(t time.Time) bool {
	for _, s := range c.dayOpenings(c.civil(t)) {
		if !t.Before(s.from) && t.Before(s.to) {
			return true
		}
	}
	return false
}

// NextOpening returns the first instant at or after t when the desk is
// open: t itself when it is open, otherwise the start of the next opening
// interval. It returns the zero time when the desk stays closed for more
// than two years from t.
func (c *BusinessCalendar) NextOpening(t time.Time) time.Time {
	d := c.civil(t)
	for i := 0; i < maxSearchDays; i, d = i+1, next(d) {
		for _, s := range c.dayOpenings(d) {
			if s.to.After(t) {
				if s.from.After(t) {
					return s.from
				}
				return t
			}
		}
	}
	return time.Time{}
}

// AddWorkingHours returns the instant when d of working time has passed
// since t: the time spent closed does not count. A due time that falls
// exactly at closing stays there (Friday 18:00 + 2h is Friday 20:00). A
// non-positive d returns t. The zero time means the desk stays closed for
// more than two years.
func (c *BusinessCalendar) AddWorkingHours(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	left := d
	day := c.civil(t)
	for closedRun := 0; closedRun < maxSearchDays; day = next(day) {
		spans := c.dayOpenings(day)
		if len(spans) == 0 {
			closedRun++
			continue
		}
		closedRun = 0
		for _, s := range spans {
			from := s.from
			if t.After(from) {
				from = t
			}
			if !s.to.After(from) {
				continue
			}
			avail := s.to.Sub(from)
			if left <= avail {
				return from.Add(left)
			}
			left -= avail
		}
	}
	return time.Time{}
}

// WorkingTime returns how much working time lies between a and b (zero
// when b is not after a).
func (c *BusinessCalendar) WorkingTime(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var total time.Duration
	last := c.civil(b)
	for day := c.civil(a); !last.before(day); day = next(day) {
		for _, s := range c.dayOpenings(day) {
			from, to := s.from, s.to
			if a.After(from) {
				from = a
			}
			if b.Before(to) {
				to = b
			}
			if to.After(from) {
				total += to.Sub(from)
			}
		}
	}
	return total
}

// parseRanges reads "08:00-13:00,14:00-18:00"; "" and "closed" are no range.
func parseRanges(spec string) ([]clockRange, error) {
	spec = strings.TrimSpace(strings.ToLower(spec))
	if spec == "" || spec == "closed" || spec == "chiuso" {
		return nil, nil
	}
	var out []clockRange
	for _, part := range strings.Split(spec, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("%q: want HH:MM-HH:MM", part)
		}
		from, err1 := parseClock(a)
		to, err2 := parseClock(b)
		if err1 != nil || err2 != nil || from >= to {
			return nil, fmt.Errorf("%q: want HH:MM-HH:MM with start before end", part)
		}
		out = append(out, clockRange{from, to})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	for i := 1; i < len(out); i++ {
		if out[i].from < out[i-1].to {
			return nil, fmt.Errorf("%q: ranges overlap", spec)
		}
	}
	return out, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, errors.New("no colon")
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, errors.New("bad clock")
	}
	return hh*60 + mm, nil
}

func parseDate(s string) (civilDate, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return civilDate{}, err
	}
	return civilDate{t.Year(), t.Month(), t.Day()}, nil
}

func parseMonthDay(s string) (monthDay, error) {
	// Parsing in a leap year accepts 02-29.
	t, err := time.Parse("2006-01-02", "2024-"+s)
	if err != nil {
		return monthDay{}, err
	}
	return monthDay{t.Month(), t.Day()}, nil
}

// NextClosing returns, for an instant when the desk is open, the first
// instant after it when the desk is closed; t itself when it is closed.
// Openings that meet across midnight (a 24-hour service) count as one.
func (c *BusinessCalendar) NextClosing(t time.Time) time.Time {
	end := t
	day := c.civil(t)
	for i := 0; i < maxSearchDays; i, day = i+1, next(day) {
		extended := false
		for _, s := range c.dayOpenings(day) {
			if !end.Before(s.from) && end.Before(s.to) {
				end, extended = s.to, true
			}
		}
		if !extended && i > 0 || !c.IsOpen(end) {
			return end
		}
	}
	return end
}
