// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

// runVersion prints what was built: the module version (a tag when built
// with `go install helpdesk@vX`, "(devel)" from a checkout), the commit and
// its time, whether the tree had local changes, and the Go release. A
// bug report quotes this line.
func runVersion(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: version takes no arguments", errUsage)
	}
	env.printf("%s\n", versionLine())
	return nil
}

func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "helpdesk (no build information)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "helpdesk %s", info.Main.Version)
	var rev, when, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		fmt.Fprintf(&b, " commit %.12s", rev)
		if when != "" {
			fmt.Fprintf(&b, " (%s)", when)
		}
		if modified == "true" {
			b.WriteString(" with local changes")
		}
	}
	fmt.Fprintf(&b, ", %s", info.GoVersion)
	return b.String()
}
