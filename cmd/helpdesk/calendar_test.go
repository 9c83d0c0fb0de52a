// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCal(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	code = run(context.Background(), append([]string{"-config", "testdata/tender-calendars.yaml", "calendar"}, args...), nil, &out, &errOut, nil)
	return code, out.String(), errOut.String()
}

func TestCalendarTextComplete(t *testing.T) {
	if problems := calendarText.Check(); len(problems) > 0 {
		t.Fatal(problems)
	}
}

// TestCalendarCommand: the answers an operator reads on the phone, each
// worked out by hand on the tenders' calendars (testdata).
func TestCalendarCommand(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantFirst string   // the first line, what a script reads
		wantWords []string // in the rest
	}{
		// on_site 08:30–12:30, 13:30–17:30: Friday 17:00–17:30 is 0.5 h;
		// Monday 8 h (8.5); Tuesday morning 4 h (12.5); 13:30 + 3.5 h.
		{"on site 16 h from Friday 17:00", []string{"due", "-calendar", "on_site", "2027-03-05T17:00", "16h"},
			"2027-03-09T17:00:00+01:00", []string{"Tuesday 9 March 2027, 17:00", "calendar on_site"}},
		// The remote desk counts Friday 17:00–18:30 (1.5 h) and Saturday
		// 07:00–13:30 (6.5 h): 8 h, then Monday 07:00 + 8 h = 15:00.
		{"remote desk 16 h from Friday 17:00", []string{"due", "2027-03-05T17:00", "16h"},
			"2027-03-08T15:00:00+01:00", []string{"calendar default"}},
		// Level 1 at 12:30 + 1 h: 30 min before lunch, 30 after = 14:30.
		{"split shift across lunch", []string{"due", "-calendar", "level1", "2027-03-03T12:30:00+01:00", "1h"},
			"2027-03-03T14:30:00+01:00", nil},
		{"Italian", []string{"due", "-calendar", "on_site", "-lang", "it", "2027-03-05T17:00", "16h"},
			"2027-03-09T17:00:00+01:00", []string{"martedì 9 marzo 2027, 17:00", "calendario on_site"}},
		{"remote desk open Saturday morning", []string{"open", "2027-03-06T09:00"},
			"open on Saturday 6 March 2027, 09:00 (calendar default), until Saturday 6 March 2027, 13:30", nil},
		{"on site closed Saturday morning", []string{"open", "-calendar", "on_site", "2027-03-06T09:00"},
			"closed on Saturday 6 March 2027, 09:00 (calendar on_site)", []string{"opens again: Monday 8 March 2027, 08:30", "2027-03-08T08:30:00+01:00"}},
		{"level 1 at lunch", []string{"open", "-calendar", "level1", "-lang", "it", "2027-03-03T13:15"},
			"chiuso il mercoledì 3 marzo 2027, 13:15 (calendario level1)", []string{"riapre: mercoledì 3 marzo 2027, 14:00"}},
		// 25 April 2027 is a Sunday; 2 June 2027 (Festa della Repubblica)
		// a Wednesday: closed all day, named.
		{"holiday named", []string{"open", "-calendar", "level2", "2027-06-02T10:00"},
			"closed on Wednesday 2 June 2027, 10:00 (calendar level2): Festa della Repubblica", []string{"2027-06-03T09:00:00+02:00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCal(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			first, rest, _ := strings.Cut(out, "\n")
			if first != tc.wantFirst {
				t.Fatalf("first line %q, want %q\n%s", first, tc.wantFirst, out)
			}
			for _, w := range tc.wantWords {
				if !strings.Contains(rest, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestCalendarCommandRefusals(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no subcommand", nil, 2, "usage: helpdesk calendar due"},
		{"unknown subcommand", []string{"when"}, 2, "usage:"},
		{"missing duration", []string{"due", "2027-03-05T17:00"}, 2, "usage:"},
		{"unknown calendar", []string{"open", "-calendar", "onsite", "now"}, 1, `unknown calendar "onsite"; configured: default, level1, level2, on_site`},
		{"bad instant", []string{"open", "5/3/2027"}, 1, `"5/3/2027" is not an instant`},
		{"bad duration", []string{"due", "2027-03-05T17:00", "16 ore"}, 1, `"16 ore" is not a working duration`},
		{"negative duration", []string{"due", "2027-03-05T17:00", "-1h"}, 1, "is not a working duration"},
		{"Italian refusal", []string{"due", "-lang", "it", "2027-03-05T17:00", "x"}, 1, "non è una durata"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCal(t, tc.args...)
			if code != tc.wantCode || !strings.Contains(errOut, tc.wantErr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tc.wantCode, tc.wantErr)
			}
		})
	}
}

// TestCalendarDocExamples runs every `$ helpdesk calendar …` line of
// docs/calendars.md against the configuration shown in that document and
// compares the output with what the document prints.
func TestCalendarDocExamples(t *testing.T) {
	b, err := os.ReadFile("../../docs/calendars.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	_, yamlBlock, ok := strings.Cut(doc, "```yaml\n")
	if !ok {
		t.Fatal("docs/calendars.md has no yaml block")
	}
	yamlBlock, _, _ = strings.Cut(yamlBlock, "```")
	cfg := filepath.Join(t.TempDir(), "helpdesk.yaml")
	if err := os.WriteFile(cfg, []byte(yamlBlock), 0o600); err != nil {
		t.Fatal(err)
	}
	_, console, ok := strings.Cut(doc, "```console\n")
	if !ok {
		t.Fatal("docs/calendars.md has no console block")
	}
	console, _, _ = strings.Cut(console, "```")
	ran := 0
	for _, example := range strings.Split(console, "$ ")[1:] {
		cmdLine, want, _ := strings.Cut(example, "\n")
		args := strings.Fields(cmdLine)
		if len(args) < 2 || args[0] != "helpdesk" {
			t.Fatalf("not a helpdesk command: %q", cmdLine)
		}
		var out, errOut strings.Builder
		if code := run(context.Background(), append([]string{"-config", cfg}, args[1:]...), nil, &out, &errOut, nil); code != 0 {
			t.Fatalf("%s: exit %d: %s", cmdLine, code, errOut.String())
		}
		if out.String() != want {
			t.Errorf("%s prints\n%s\nthe doc says\n%s", cmdLine, out.String(), want)
		}
		ran++
	}
	if ran < 4 {
		t.Fatalf("ran %d examples", ran)
	}
}
