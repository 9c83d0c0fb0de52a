// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU returns the CPU time used by the calling OS thread: unlike the
// wall clock, it does not count time spent waiting for a core, so latency
// figures stay meaningful on a machine shared with other work.
func threadCPU() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
