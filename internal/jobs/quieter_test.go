// SPDX-License-Identifier: EUPL-1.2

package jobs

import (
	"log/slog"
	"strings"
	"testing"
)

func TestRiverLogIsQuieterThanInfo(t *testing.T) {
	var buf strings.Builder
	l := slog.New(quieter{slog.NewTextHandler(&buf, nil), slog.LevelWarn}).With("component", "river")
	l.Info("producer: Producer job counts")
	l.Warn("job failed", "attempt", 2)
	if got := buf.String(); strings.Contains(got, "job counts") || !strings.Contains(got, "job failed") || !strings.Contains(got, "component=river") {
		t.Errorf("log:\n%s", got)
	}
}
