// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"strings"
	"testing"
)

// TestLeaderName: one leadership per server, account and mailbox, so two
// instances on the same mailbox never poll it at once (internal/leader's
// tests check the election itself), and different mailboxes poll side by
// side. The password is never in it: the name is logged.
func TestLeaderName(t *testing.T) {
	srv := newIMAPServer(t, false)
	base := imapConfig(srv)
	name := func(edit func(*Config)) string {
		c := base
		if edit != nil {
			edit(&c)
		}
		return newTestAdapter(t, c, nil).LeaderName()
	}
	a := name(nil)
	if same := name(func(c *Config) {
		c.IMAPAddr, c.IMAPUsername = strings.ToUpper(c.IMAPAddr), strings.ToUpper(c.IMAPUsername)
	}); same != a {
		t.Errorf("the same mailbox spelt in capitals leads apart: %q and %q", a, same)
	}
	for what, edit := range map[string]func(*Config){
		"mailbox": func(c *Config) { c.Mailbox = "Other" },
		"account": func(c *Config) { c.IMAPUsername = "someone-else" },
	} {
		if other := name(edit); other == a {
			t.Errorf("another %s shares the leadership %q", what, a)
		}
	}
	if base.IMAPPassword != "" && strings.Contains(a, base.IMAPPassword) {
		t.Errorf("leadership %q carries the password", a)
	}
}
