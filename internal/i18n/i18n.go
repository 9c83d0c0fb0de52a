// SPDX-License-Identifier: EUPL-1.2

// Package i18n looks user-facing strings up by key in Italian and English.
// Each package keeps its own Catalog; Check (run by each package's tests)
// proves every key exists in both languages with the same placeholders.
package i18n

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Languages are the languages every string must exist in; the first is the
// default.
var Languages = []string{"it", "en"}

// Catalog maps a key to its text per language. Texts may hold fmt verbs.
type Catalog map[string]map[string]string

// T returns the text for key in lang (Italian when lang is unknown),
// formatted with args. A missing key shows itself, so it is noticed.
func (c Catalog) T(lang, key string, args ...any) string {
	texts, ok := c[key]
	if !ok {
		return "[" + key + "]"
	}
	s, ok := texts[Normalize(lang)]
	if !ok {
		s = texts["it"]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Normalize maps a language tag ("en-GB", "IT", "") to "it" or "en".
func Normalize(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if strings.HasPrefix(l, "en") {
		return "en"
	}
	return "it"
}

// FromAcceptLanguage picks it or en from an Accept-Language header, in the
// order the browser prefers; Italian when neither is asked for.
func FromAcceptLanguage(header string) string {
	for _, part := range strings.Split(header, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		if strings.HasPrefix(tag, "it") {
			return "it"
		}
		if strings.HasPrefix(tag, "en") {
			return "en"
		}
	}
	return "it"
}

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// Check returns one problem per key that lacks a language, is empty, or
// whose languages use different fmt verbs.
func (c Catalog) Check() []string {
	var problems []string
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var verbs []string
		for i, lang := range Languages {
			s, ok := c[k][lang]
			if !ok || strings.TrimSpace(s) == "" {
				problems = append(problems, fmt.Sprintf("%s: no %s text", k, lang))
				continue
			}
			v := strings.Join(verb.FindAllString(s, -1), " ")
			if i == 0 {
				verbs = []string{v}
			} else if len(verbs) > 0 && verbs[0] != v {
				problems = append(problems, fmt.Sprintf("%s: %s uses %q, it uses %q", k, lang, v, verbs[0]))
			}
		}
	}
	return problems
}
