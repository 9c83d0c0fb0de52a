// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"strings"
	"testing"
)

func TestHelpTextCatalogue(t *testing.T) {
	t.Parallel()
	if problems := Text.Check(); len(problems) > 0 {
		t.Fatalf("catalogue problems:\n%s", strings.Join(problems, "\n"))
	}
}
