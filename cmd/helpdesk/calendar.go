// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"helpdesk/internal/i18n"
	"helpdesk/tickets"
)

// calendarText are the words of `helpdesk calendar`, what an operator on
// the phone reads out ("when will someone come?").
var calendarText = i18n.Catalog{
	"cal.usage": {
		"it": "uso: helpdesk calendar due [-calendar NOME] [-lang it|en] DA DURATA   (es. due -calendar on_site 2027-03-05T17:00 16h)\n     helpdesk calendar open [-calendar NOME] [-lang it|en] QUANDO      (es. open 2027-03-06T09:00; QUANDO può essere now)",
		"en": "usage: helpdesk calendar due [-calendar NAME] [-lang it|en] FROM DURATION   (e.g. due -calendar on_site 2027-03-05T17:00 16h)\n       helpdesk calendar open [-calendar NAME] [-lang it|en] AT           (e.g. open 2027-03-06T09:00; AT may be now)",
	},
	"cal.unknown": {"it": "calendario %q sconosciuto; configurati: %s", "en": "unknown calendar %q; configured: %s"},
	"cal.badtime": {
		"it": "%q non è un istante: scrivi 2027-03-05T17:00 (ora dello sportello), 2027-03-05T17:00:00+01:00 o now",
		"en": "%q is not an instant: write 2027-03-05T17:00 (desk time), 2027-03-05T17:00:00+01:00 or now",
	},
	"cal.baddur": {
		"it": "%q non è una durata di lavoro: scrivi ad esempio 16h, 90m o 2h30m",
		"en": "%q is not a working duration: write e.g. 16h, 90m or 2h30m",
	},
	"cal.due":       {"it": "scadenza: %s, dopo %s di lavoro dal %s (calendario %s)", "en": "due: %s, %s of working time after %s (calendar %s)"},
	"cal.never":     {"it": "il calendario %s resta chiuso per più di due anni", "en": "calendar %s stays closed for more than two years"},
	"cal.open":      {"it": "aperto il %s (calendario %s), fino a %s", "en": "open on %s (calendar %s), until %s"},
	"cal.closed":    {"it": "chiuso il %s (calendario %s)", "en": "closed on %s (calendar %s)"},
	"cal.closedday": {"it": "chiuso il %s (calendario %s): %s", "en": "closed on %s (calendar %s): %s"},
	"cal.next":      {"it": "riapre: %s", "en": "opens again: %s"},
}

// runCalendar answers "when is this due?" and "is the desk open?" on the
// configured calendars, without a database.
func runCalendar(_ context.Context, env *environment, args []string) error {
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	lang := cfg.Language
	usage := func() error {
		fmt.Fprintln(env.stderr, calendarText.T(lang, "cal.usage"))
		return errUsage
	}
	if len(args) == 0 || (args[0] != "due" && args[0] != "open") {
		return usage()
	}
	fs := flag.NewFlagSet("calendar "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	name := fs.String("calendar", tickets.DefaultCalendarName, "the calendar (calendar is \"default\"; others: calendars.NAME)")
	langFlag := fs.String("lang", "", "language of the answer: it | en (default: the configuration's language)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *langFlag != "" {
		lang = i18n.Normalize(*langFlag)
	}
	want := 2
	if args[0] == "open" {
		want = 1
	}
	if fs.NArg() != want {
		return usage()
	}
	cals, err := calendarsFromConfig(cfg)
	if err != nil {
		return err
	}
	cal, ok := cals.Named(*name)
	if !ok {
		return fmt.Errorf("%s", calendarText.T(lang, "cal.unknown", *name, strings.Join(cals.Names(), ", ")))
	}
	loc := cal.Location()
	at, err := parseInstant(fs.Arg(0), loc, time.Now)
	if err != nil {
		return fmt.Errorf("%s", calendarText.T(lang, "cal.badtime", fs.Arg(0)))
	}
	words := func(t time.Time) string { return whenInWords(lang, t.In(loc)) }
	if args[0] == "due" {
		d, err := time.ParseDuration(fs.Arg(1))
		if err != nil || d < 0 {
			return fmt.Errorf("%s", calendarText.T(lang, "cal.baddur", fs.Arg(1)))
		}
		due := cal.AddWorkingHours(at, d)
		if due.IsZero() {
			return fmt.Errorf("%s", calendarText.T(lang, "cal.never", *name))
		}
		// The first line alone is the answer a script reads.
		env.printf("%s\n%s\n", due.In(loc).Format(time.RFC3339), calendarText.T(lang, "cal.due", words(due), d, words(at), *name))
		return nil
	}
	if cal.IsOpen(at) {
		env.printf("%s\n", calendarText.T(lang, "cal.open", words(at), *name, words(cal.NextClosing(at))))
		return nil
	}
	if reason, closed := cal.ClosedDay(at); closed {
		env.printf("%s\n", calendarText.T(lang, "cal.closedday", words(at), *name, reason))
	} else {
		env.printf("%s\n", calendarText.T(lang, "cal.closed", words(at), *name))
	}
	next := cal.NextOpening(at)
	if next.IsZero() {
		return fmt.Errorf("%s", calendarText.T(lang, "cal.never", *name))
	}
	env.printf("%s\n%s\n", calendarText.T(lang, "cal.next", words(next)), next.In(loc).Format(time.RFC3339))
	return nil
}

// parseInstant reads RFC 3339, or a wall-clock time in the desk's zone
// (2027-03-05T17:00, "2027-03-05 17:00"), or now.
func parseInstant(s string, loc *time.Location, now func() time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "now") {
		return now(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an instant: %q", s)
}

var (
	weekdaysIT = [...]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	monthsIT   = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
)

// whenInWords is an instant as an operator says it: "venerdì 5 marzo
// 2027, 17:00" or "Friday 5 March 2027, 17:00".
func whenInWords(lang string, t time.Time) string {
	if i18n.Normalize(lang) == "en" {
		return t.Format("Monday 2 January 2006, 15:04")
	}
	return fmt.Sprintf("%s %d %s %d, %s", weekdaysIT[t.Weekday()], t.Day(), monthsIT[t.Month()-1], t.Year(), t.Format("15:04"))
}
