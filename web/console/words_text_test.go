// SPDX-License-Identifier: EUPL-1.2

package console

import "testing"

// TestWordsTextInTheCatalogue: the words the timeline and the severity
// reasons are put in are merged into the console's catalogue.
func TestWordsTextInTheCatalogue(t *testing.T) {
	t.Parallel()
	checkMerged(t, wordsText)
}
