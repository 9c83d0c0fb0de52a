// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"testing"
	"time"

	"helpdesk/bots"
)

// TestClosureList: the desk's codes, their labels in the agent's language
// (a language tag normalised, an old code shown as recorded) and the
// resolve form's options in the list's order.
func TestClosureList(t *testing.T) {
	t.Parallel()
	cc := closureList(bots.ClosureCodes{{Code: "fixed", IT: "Sistemato", EN: "Fixed"}, {Code: "gone", IT: "Sparito", EN: "Gone away"}})
	if !cc.Valid("fixed") || cc.Valid("solved") || cc.Valid("") {
		t.Error("Valid accepts a code not on the list, or refuses one on it")
	}
	for _, tt := range []struct{ lang, code, want string }{
		{"it", "fixed", "Sistemato"}, {"en-GB", "gone", "Gone away"}, {"EN", "fixed", "Fixed"},
		{"en", "solved", "solved"}, // no longer on the list: as recorded
	} {
		if got := cc.Label(tt.lang, tt.code); got != tt.want {
			t.Errorf("Label(%s, %s) = %q, want %q", tt.lang, tt.code, got, tt.want)
		}
	}
	opts := cc.Options("en")
	if len(opts) != 2 || opts[0] != (closureOption{"fixed", "Fixed"}) || opts[1] != (closureOption{"gone", "Gone away"}) {
		t.Errorf("Options = %+v", opts)
	}
	if got := cc.Codes(); got != "fixed, gone" {
		t.Errorf("Codes = %q", got)
	}
	if !defaultClosureCodes.Valid("solved") || defaultClosureCodes.Label("it", "solved") != "Risolto" {
		t.Error("the default list lacks solved")
	}
}

// TestClosureCodesOption: the console resolves with the configured list,
// and with the default one when none is configured.
func TestClosureCodesOption(t *testing.T) {
	t.Parallel()
	c, err := New(Options{Location: time.UTC, ClosureCodes: bots.ClosureCodes{{Code: "fixed", IT: "Sistemato", EN: "Fixed"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.closure.Valid("fixed") || c.closure.Valid("solved") {
		t.Errorf("configured list not used: %v", c.closure.Codes())
	}
	d, err := New(Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.closure.Codes() != bots.DefaultClosureCodes.Codes() {
		t.Errorf("default list: %v", d.closure.Codes())
	}
}
