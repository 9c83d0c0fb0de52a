// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"helpdesk/web/webtest"
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// The process runs in UTC, as a server in a container does, whatever
	// the developer's zone: pages must show the desk's zone (Europe/Rome
	// in the tests), never the process's, and a test run in Rome would
	// not see the difference. Set before any test starts a goroutine.
	time.Local = time.UTC
	code := m.Run()
	webtest.Stop() // the package's one Chromium, shared by its browser tests
	os.Exit(code)
}
