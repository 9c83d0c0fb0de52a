// SPDX-License-Identifier: EUPL-1.2

package markup

import (
	"strings"
	"testing"
)

// FuzzSplit: Split keeps every word, in order, and every part within the
// limit; Telegram's parts stay well-formed.
func FuzzSplit(f *testing.F) {
	f.Add("a b. c\n\nd [e](https://f) g", 5)
	f.Add("*uno due tre* quattro\n\n1. a\n2. b", 8)
	f.Fuzz(func(t *testing.T, md string, limit int) {
		if limit < 8 || limit > 5000 || len(md) > 5000 {
			return
		}
		for _, fm := range []Format{Telegram, Slack, Plain} {
			parts := Split(Blocks(md, fm), fm, limit)
			for _, p := range parts {
				if Size(fm)(p) > limit {
					t.Fatalf("part %q over %d", p, limit)
				}
			}
			whole := strings.Fields(stripTags(strings.Join(Blocks(md, fm), " ")))
			got := strings.Fields(stripTags(strings.Join(parts, " ")))
			if strings.Join(whole, "") != strings.Join(got, "") {
				t.Fatalf("format %d: words lost:\n%q\n%q", fm, whole, got)
			}
		}
	})
}
