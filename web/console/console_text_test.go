// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"strings"
	"testing"
)

func TestConsoleTextComplete(t *testing.T) {
	t.Parallel()
	if p := Text.Check(); len(p) > 0 {
		t.Fatalf("catalogue problems:\n%s", strings.Join(p, "\n"))
	}
}
