// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// spdxHeader starts every Go file of the repository: the licence is
// stated where the code is, as the EUPL's users and tools (REUSE, SPDX
// scanners) expect.
const spdxHeader = "// SPDX-License-Identifier: EUPL-1.2\n"

// TestEveryGoFileNamesTheLicence reads every Go file git tracks.
func TestEveryGoFileNamesTheLicence(t *testing.T) {
	root := filepath.Join("..", "..")
	out, err := exec.Command("git", "-C", root, "ls-files", "*.go").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Fields(string(out))
	if len(files) < 100 {
		t.Fatalf("git ls-files found %d Go files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), spdxHeader) {
			t.Errorf("%s does not start with %q", f, strings.TrimSpace(spdxHeader))
		}
	}
}
