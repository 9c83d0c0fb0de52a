// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"testing"
	"time"
)

func TestWorkingDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "0 min", 59 * time.Second: "1 min", 90 * time.Minute: "1 h 30 min",
		-2 * time.Hour: "-2 h 00 min", 125 * time.Hour: "125 h 00 min",
	} {
		if got := workingDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
