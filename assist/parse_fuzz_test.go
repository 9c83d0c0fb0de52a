// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"slices"
	"strings"
	"testing"

	"helpdesk/nlp"
)

// Model answers are outside input: their parsers must never panic and
// must only return what they were asked for.
func FuzzCitations(f *testing.F) {
	for _, s := range []string{answers["grounded"], answers["foreign_citation"], "[a@1][a@1]", "[@]", "[x@99999999999]", "\xff[a@1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cited, text := citations(in)
		for _, c := range cited {
			if c.ID == "" || c.Revision < 0 || !strings.Contains(in, "["+c.ID+"@") {
				t.Fatalf("citation %v not in %q", c, in)
			}
		}
		if citationRe.MatchString(text) {
			t.Fatalf("marker left in %q", text)
		}
		src := []Source{{ID: "a", Revision: 1}}
		if err := checkGrounded(cited, src); err == nil {
			for _, c := range cited {
				if c != (Citation{"a", 1}) {
					t.Fatalf("foreign citation %v accepted", c)
				}
			}
		}
	})
}

func FuzzParseSeverity(f *testing.F) {
	for _, s := range []string{answers["severity_high"], answers["severity_garbage"], "{}", "}{", `{"urgency":"HIGH","impact":"low","type":"request"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, err := parseSeverity(in)
		if err != nil {
			return
		}
		if !slices.Contains(nlp.Levels, m.Urgency) || !slices.Contains(nlp.Levels, m.Impact) || !slices.Contains(nlp.Types, m.Type) {
			t.Fatalf("labels outside the sets accepted: %+v", m)
		}
	})
}
