// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocumentedKBAndNLPCommandsExist: every `helpdesk kb …` and `helpdesk
// nlp …` command the README or docs/ show names a verb the command's usage
// lists, with flags that usage lists for it, so a documented command is
// never one that does not exist.
func TestDocumentedKBAndNLPCommandsExist(t *testing.T) {
	files := []string{"../../README.md"}
	more, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, more...)
	cmdLine := regexp.MustCompile(`helpdesk (kb|nlp) ([a-z-]+)([^\n` + "`" + `|]*)`)
	flagRe := regexp.MustCompile(`(?:^|\s|\[)(--[a-z-]+)`)
	usage := map[string]string{"kb": kbUsage, "nlp": nlpUsage}
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range cmdLine.FindAllStringSubmatch(string(b), -1) {
			var verbUsage string
			for _, line := range strings.Split(usage[m[1]], "\n") {
				if strings.Contains(line, "helpdesk "+m[1]+" "+m[2]+" ") || strings.HasSuffix(line, "helpdesk "+m[1]+" "+m[2]) {
					verbUsage = line
				}
			}
			if verbUsage == "" {
				t.Errorf("%s: %q: no such verb in the usage of helpdesk %s", f, m[0], m[1])
				continue
			}
			seen++
			for _, fl := range flagRe.FindAllStringSubmatch(m[3], -1) {
				if !strings.Contains(verbUsage, fl[1]) {
					t.Errorf("%s: %q: flag %s not in the usage %q", f, m[0], fl[1], verbUsage)
				}
			}
		}
	}
	if seen < 10 {
		t.Errorf("only %d documented kb/nlp commands found: the pattern no longer reads the docs", seen)
	}
}
