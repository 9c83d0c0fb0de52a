// SPDX-License-Identifier: EUPL-1.2

//go:build !linux

package kb

import "time"

// threadCPU is not available here: benchmarks report wall-clock only.
func threadCPU() (time.Duration, bool) { return 0, false }
