// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every `make TARGET` the README, CONTRIBUTING.md or docs/ tell a reader to run is a target
// of the Makefile: a doc is a test.
func TestDocumentedMakeTargetsExist(t *testing.T) {
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(string(mk), -1) {
		targets[m[1]] = true
	}
	files := []string{"../../README.md", "../../CONTRIBUTING.md"}
	err = filepath.WalkDir("../../docs", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Inside code spans or fenced blocks only: prose may say "make the …".
	code := regexp.MustCompile("(?s)`{3}.*?`{3}|`[^`\n]+`")
	cmd := regexp.MustCompile(`\bmake ([a-z][a-z0-9-]*)`)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, span := range code.FindAllString(string(b), -1) {
			for _, m := range cmd.FindAllStringSubmatch(span, -1) {
				seen++
				if !targets[m[1]] {
					t.Errorf("%s says `make %s`, which the Makefile does not have", f, m[1])
				}
			}
		}
	}
	if seen == 0 || !targets["test"] || !targets["test-stress"] {
		t.Fatalf("read %d make commands; targets %v", seen, targets)
	}
}
