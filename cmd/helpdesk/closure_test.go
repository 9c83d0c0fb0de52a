// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"slices"
	"testing"

	"helpdesk/bots"
	"helpdesk/internal/config"
)

// The default closure codes are written twice — in the configuration's
// defaults and in bots for a component built without a configuration (a
// test's relay or console) — and must not drift apart.
func TestDefaultClosureCodesAgree(t *testing.T) {
	if got := closureCodes(config.DefaultClosureCodes()); !slices.Equal(got, bots.DefaultClosureCodes) {
		t.Errorf("config.DefaultClosureCodes %+v\n  != bots.DefaultClosureCodes %+v", got, bots.DefaultClosureCodes)
	}
}
