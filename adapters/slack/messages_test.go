// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"strings"
	"testing"
)

func TestCatalog(t *testing.T) {
	if problems := slackText.Check(); len(problems) > 0 {
		t.Fatal(problems)
	}
	if got := say("", "too.long"); !strings.Contains(got, slackText.T("it", "too.long")) || !strings.Contains(got, slackText.T("en", "too.long")) {
		t.Errorf("unknown language must give both texts: %q", got)
	}
	if got := say("en", "too.long"); got != slackText.T("en", "too.long") {
		t.Errorf("say(en) = %q", got)
	}
}
