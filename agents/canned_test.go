// SPDX-License-Identifier: EUPL-1.2

package agents_test

import (
	"errors"
	"testing"

	"helpdesk/agents"
)

func TestCanned(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	c, err := agents.NewCanned(f.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range [][3]string{{"it", "Saluto", "Buongiorno"}, {"en", "Greeting", "Good morning"}, {"it", " Saluto ", " Buongiorno! "}} {
		if err := c.Save(ctx, s[0], s[1], s[2], "user:anna"); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range [][2]string{{"", "x"}, {"x", " "}} {
		if err := c.Save(ctx, "it", bad[0], bad[1], "user:anna"); !errors.Is(err, agents.ErrCannedInvalid) {
			t.Errorf("Save(%q, %q) = %v", bad[0], bad[1], err)
		}
	}
	it, err := c.List(ctx, "it")
	if err != nil {
		t.Fatal(err)
	}
	if len(it) != 1 || it[0].Body != "Buongiorno!" {
		t.Errorf("Italian = %+v, want the one Saluto, replaced", it)
	}
	all, err := c.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Title != "Greeting" {
		t.Errorf("all = %+v, want both by title", all)
	}
	if err := c.Delete(ctx, it[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, it[0].ID); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if all, err = c.List(ctx, ""); err != nil || len(all) != 1 {
		t.Errorf("after delete: %+v, %v", all, err)
	}
}
