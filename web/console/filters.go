// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"errors"
	"fmt"
	"helpdesk/web/clean"
	"helpdesk/web/problem"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"helpdesk/internal/i18n"
)

// filterError is a console filter value the page cannot use. The page
// answers 400 and says, in the agent's language, which filter and what is
// wrong: a filter is never quietly dropped (the agent would read a list
// that is not the one asked for) nor passed on to PostgreSQL (which
// refuses NUL bytes and invalid UTF-8 with a 500).
type filterError struct {
	field   string // the query parameter
	problem string // filterUnknown, filterNumber …
}

// The problems a filter value can have (keys filter.problem.*).
const (
	filterUnknown = "unknown" // not one of the values offered
	filterNumber  = "number"  // not a whole number in range
	filterChars   = "chars"   // a NUL byte or invalid UTF-8
	filterLong    = "long"    // too long
	filterDate    = "date"    // not a date (or month, quarter) as written
	filterRange   = "range"   // the period is empty, reversed or too long
)

func (e *filterError) Error() string { return "invalid filter " + e.field + ": " + e.problem }

// Unwrap makes a filterError a bad request for problemOf.
func (e *filterError) Unwrap() error { return problem.ErrBadRequest }

// message is the error in lang: "Filtro «Stato» non valido: …".
func (e *filterError) message(lang string) string {
	field := Text.T(lang, "filter.field."+e.field)
	return Text.T(lang, "filter.invalid", field, Text.T(lang, "filter.problem."+e.problem))
}

// filterMessage is the agent's message for err when it is a filterError.
func filterMessage(err error, lang string) (string, bool) {
	var fe *filterError
	if !errors.As(err, &fe) {
		return "", false
	}
	return fe.message(lang), true
}

// filterQuery is the query as the agent's browser sent it, before
// cleaning: a filter must see the NUL byte or the invalid UTF-8 to refuse
// it, instead of quietly searching for what cleaning left.
func filterQuery(r *http.Request) url.Values {
	if raw, ok := clean.RawQuery(r); ok {
		if q, err := url.ParseQuery(raw); err == nil {
			return q
		}
	}
	return r.URL.Query()
}

// filterText reads a free-text filter: at most maxBytes of valid UTF-8
// without NUL bytes.
func filterText(q url.Values, key string, maxBytes int) (string, error) {
	s := q.Get(key)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", &filterError{key, filterChars}
	}
	if len(s) > maxBytes {
		return "", &filterError{key, filterLong}
	}
	return s, nil
}

// filterChoice reads a filter that must be empty or one of allowed.
func filterChoice(q url.Values, key string, allowed []string) (string, error) {
	s, err := filterText(q, key, 100)
	if err != nil {
		return "", err
	}
	if s != "" && !slices.Contains(allowed, s) {
		return "", &filterError{key, filterUnknown}
	}
	return s, nil
}

// filterInt reads a filter that must be empty (0) or a whole number in
// [lo, hi].
func filterInt(q url.Values, key string, lo, hi int64) (int64, error) {
	s, err := filterText(q, key, 30)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, &filterError{key, filterNumber}
	}
	return n, nil
}

// filterTextCatalog is the catalogue's part for filter errors.
var filterTextCatalog = i18n.Catalog{
	"filter.invalid": {"it": "Filtro «%s» non valido: %s", "en": "Invalid filter “%s”: %s"},

	"filter.problem.unknown": {"it": "il valore non è tra quelli proposti.", "en": "the value is not one of those offered."},
	"filter.problem.number":  {"it": "serve un numero intero valido.", "en": "a valid whole number is needed."},
	"filter.problem.chars": {"it": "contiene caratteri non ammessi (byte nulli o testo non UTF-8).",
		"en": "it contains characters that are not allowed (NUL bytes or text that is not UTF-8)."},
	"filter.problem.long":  {"it": "il testo è troppo lungo.", "en": "the text is too long."},
	"filter.problem.date":  {"it": "la data non è scritta nella forma attesa.", "en": "the date is not written in the expected form."},
	"filter.problem.range": {"it": "il periodo è vuoto, rovesciato o più lungo di tre anni.", "en": "the period is empty, reversed or longer than three years."},

	"filter.field.state":       {"it": "Stato", "en": "State"},
	"filter.field.priority":    {"it": "Priorità", "en": "Priority"},
	"filter.field.level":       {"it": "Livello", "en": "Level"},
	"filter.field.group":       {"it": "Gruppo", "en": "Group"},
	"filter.field.channel":     {"it": "Canale", "en": "Channel"},
	"filter.field.q":           {"it": "Testo", "en": "Text"},
	"filter.field.after":       {"it": "Pagina", "en": "Page"},
	"filter.field.status":      {"it": "Stato della voce", "en": "Entry status"},
	"filter.field.lang_filter": {"it": "Lingua", "en": "Language"},
	"filter.field.period":      {"it": "Periodo", "en": "Period"},
	"filter.field.month":       {"it": "Mese", "en": "Month"},
	"filter.field.quarter":     {"it": "Trimestre", "en": "Quarter"},
	"filter.field.from":        {"it": "Dal", "en": "From"},
	"filter.field.to":          {"it": "Al", "en": "To"},
	"filter.field.a":           {"it": "Revisione A", "en": "Revision A"},
	"filter.field.b":           {"it": "Revisione B", "en": "Revision B"},
	"filter.field.all":         {"it": "Mostra lette", "en": "Show read"},
}

func init() {
	for k, v := range filterTextCatalog {
		if _, dup := Text[k]; dup {
			panic(fmt.Sprintf("web: console string %q defined twice", k))
		}
		Text[k] = v
	}
}
