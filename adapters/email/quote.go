// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"regexp"
	"strings"
)

// Lines that open the quoted history of a reply, in the shapes Outlook,
// Gmail, Thunderbird and Apple Mail write them, in Italian and English.
var (
	wroteLine    = regexp.MustCompile(`(?i)^(on\b.*\bwrote|il\b.*\bha scritto|in data\b.*\bha scritto)\s*:?\s*$`)
	originalLine = regexp.MustCompile(`(?i)^-{2,}\s*(original message|messaggio originale|forwarded message|messaggio inoltrato)\s*-{2,}\s*$`)
	headerFrom   = regexp.MustCompile(`(?i)^\*?(from|da)\s*:\*?\s+\S`)
	headerNext   = regexp.MustCompile(`(?i)^\*?(sent|inviato|date|data|to|a|subject|oggetto)\s*:\*?\s`)
	underscores  = regexp.MustCompile(`^_{10,}\s*$`)
)

// stripQuoted keeps the new part of a reply: it cuts at the first line
// that opens the quoted history ("On … wrote:", "-----Original
// Message-----", an Outlook header block, a line of underscores, a
// signature separator) and drops "> " lines. When nothing would be left —
// someone answering inline — the text is kept whole.
func stripQuoted(text string) string {
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if i+1 < len(lines) && t != "" && !strings.HasSuffix(t, ":") && wroteLine.MatchString(t+" "+strings.TrimSpace(lines[i+1])) {
			cut = i // a long "On … wrote:" folded in two lines
			break
		}
		if wroteLine.MatchString(t) || originalLine.MatchString(t) || underscores.MatchString(t) || line == "-- " || t == "--" {
			cut = i
			break
		}
		if headerFrom.MatchString(t) {
			for j := i + 1; j < len(lines) && j <= i+3; j++ {
				if headerNext.MatchString(strings.TrimSpace(lines[j])) {
					cut = i
					break
				}
			}
			if cut == i {
				break
			}
		}
	}
	var kept []string
	for _, line := range lines[:cut] {
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			continue
		}
		kept = append(kept, line)
	}
	out := strings.TrimSpace(strings.Join(kept, "\n"))
	if out == "" {
		return text
	}
	return out
}
