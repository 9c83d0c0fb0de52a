// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVersionNamesTheCommit builds the binary from this checkout (as `make
// build` does) and checks `helpdesk version` names the checked-out commit:
// the line a bug report quotes must identify the code.
func TestVersionNamesTheCommit(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "helpdesk")
	// -buildvcs=true: the machine's GOFLAGS may turn stamping off (this one
	// has -buildvcs=false); make build asks for it too.
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("helpdesk version: %v\n%s", err, out)
	}
	line := strings.TrimSpace(string(out))
	want := regexp.MustCompile(`^helpdesk \S+ commit ` + string(head[:12]) + ` \(\d{4}-\d\d-\d\dT[^)]*\)( with local changes)?, go\d`)
	if !want.MatchString(line) {
		t.Fatalf("helpdesk version = %q, want it to match %s", line, want)
	}
	if code := run(t.Context(), []string{"version", "extra"}, nil, &strings.Builder{}, &strings.Builder{}, nil); code != 2 {
		t.Errorf("version with an argument exits %d, want 2 (usage)", code)
	}
}
