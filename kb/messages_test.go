// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"testing"
)

func TestMessagesComplete(t *testing.T) {
	for _, p := range editorText.Check() {
		t.Error(p)
	}
}
