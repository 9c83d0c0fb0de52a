// SPDX-License-Identifier: EUPL-1.2

package journey

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeNamesEveryJourneyGolden: every channel's journey transcript
// in the repository is named in the README, and the README names no
// transcript that does not exist.
func TestReadmeNamesEveryJourneyGolden(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	var found []string
	for _, pattern := range []string{"../../*/testdata/journeys/*.golden", "../../*/*/testdata/journeys/*.golden"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, m...)
	}
	if len(found) < 5 {
		t.Fatalf("only %d journey transcripts found: %v", len(found), found)
	}
	for _, f := range found {
		rel := strings.TrimPrefix(filepath.ToSlash(f), "../../")
		if !strings.Contains(readme, "`"+rel+"`") {
			t.Errorf("README does not name %s", rel)
		}
	}
	for _, part := range strings.Split(readme, "`") {
		if strings.Contains(part, "testdata/journeys/") && strings.HasSuffix(part, ".golden") {
			if _, err := os.Stat("../../" + part); err != nil {
				t.Errorf("README names %s: %v", part, err)
			}
		}
	}
}

// TestReadmeRegenerateCommandsWork: each `go test ./PKG -run TestJourney
// -update` the README gives names a package whose tests define
// TestJourney and the -update flag.
func TestReadmeRegenerateCommandsWork(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := regexp.MustCompile("`go test ./([a-z/]+) -run TestJourney -update`").FindAllStringSubmatch(string(raw), -1)
	if len(cmds) == 0 {
		t.Fatal("the README gives no command to regenerate a journey transcript")
	}
	for _, c := range cmds {
		src, err := os.ReadFile(filepath.Join("../..", c[1], "journey_test.go"))
		if err != nil {
			t.Errorf("%s: %v", c[0], err)
			continue
		}
		if !strings.Contains(string(src), "func TestJourney(t *testing.T)") || !strings.Contains(string(src), `flag.Bool("update"`) {
			t.Errorf("%s: %s/journey_test.go has no TestJourney or no -update flag", c[0], c[1])
		}
	}
}
