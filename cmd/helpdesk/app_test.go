// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/internal/config"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// TestCalendarsFromConfigFollowTheRules: the tenders' configuration
// gives an on-site ticket's intervention the on-site calendar and level
// 2's queue its own.
func TestCalendarsFromConfigFollowTheRules(t *testing.T) {
	var out, errOut strings.Builder
	env := &environment{stdout: &out, stderr: &errOut, configPath: "testdata/tender-calendars.yaml"}
	cfg, err := env.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cals, err := calendarsFromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tk := &tickets.Ticket{Level: 1, Priority: tickets.P2}
	if got := cals.NameFor(tk, tickets.TargetIntervention); got != "on_site" {
		t.Errorf("intervention on %s", got)
	}
	if got := cals.NameFor(tk, tickets.TargetTakeCharge); got != "level1" {
		t.Errorf("take charge on %s", got)
	}
	if got := cals.LevelName(2); got != "level2" {
		t.Errorf("level 2 queue on %s", got)
	}
}

// TestNewAppLoadsTheContentFolder: with kb.load_on_start the folder is
// imported before the desk starts, a bad file is logged and skipped, a
// missing folder stops the start naming the key; without it nothing is
// imported.
func TestNewAppLoadsTheContentFolder(t *testing.T) {
	ctx := context.Background()
	content := t.TempDir()
	good, err := os.ReadFile("../../kb/testdata/content/it/lettore-smartcard.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(content, "it"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(content, "it", "lettore-smartcard.md"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(content, "it", "rotto.md"), []byte("---\nid: Not An Id\n---\nbody\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		load     bool
		dir      string
		imported bool
		err      string
	}{
		{"loaded", true, content, true, ""},
		{"not asked", false, content, false, ""},
		{"missing folder", true, filepath.Join(content, "none"), false, "kb.content_dir"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pool := testdb.New(t)
			cfg, err := config.Load("", nil)
			if err != nil {
				t.Fatal(err)
			}
			cfg.KB.LoadOnStart, cfg.KB.ContentDir = c.load, c.dir
			var logs strings.Builder
			a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(&logs, nil)), pool, nil, time.Now, nil)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one naming %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = a.kb.Get(ctx, "lettore-smartcard")
			if imported := err == nil; imported != c.imported {
				t.Fatalf("entry imported %v (%v), want %v", imported, err, c.imported)
			}
			if c.imported && (!strings.Contains(logs.String(), "knowledge base loaded") || !strings.Contains(logs.String(), "rotto.md")) {
				t.Fatalf("log %q, want the load and the rejected file", logs.String())
			}
		})
	}
}

// newApp registers its own figure on the registry given: a second desk on
// the same registry is refused, not silently unmeasured.
func TestNewAppRegistersItsMetric(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	cfg, err := config.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.KB.LoadOnStart = false
	reg := prometheus.NewRegistry()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := newApp(ctx, cfg, log, pool, nil, time.Now, reg)
	if err != nil {
		t.Fatal(err)
	}
	if a.engine == nil || a.searcher == nil || a.tracking == nil || a.severity == nil || a.kbLog == nil {
		t.Fatalf("the desk lacks a part: %+v", a)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	if !strings.Contains(strings.Join(names, " "), "helpdesk_kb_log_lines_dropped_total") {
		t.Fatalf("registered %v", names)
	}
	if _, err := newApp(ctx, cfg, log, pool, nil, time.Now, reg); err == nil {
		t.Fatal("a second desk registered on the same registry")
	}
	cfg.Queues.Level1.Calendar = "nowhere"
	if _, err := newApp(ctx, cfg, log, pool, nil, time.Now, nil); err == nil || !strings.Contains(err.Error(), "calendars") {
		t.Fatalf("a queue on an unknown calendar: %v", err)
	}
}

// periodicJobs: the three always there, and one more for each of
// retention, retraining and round-robin assignment when configured.
func TestPeriodicJobs(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*config.Config)
		want int
	}{
		{"default", func(*config.Config) {}, 3},
		{"retention", func(c *config.Config) { c.Privacy.Retention = 365 * 24 * time.Hour }, 4},
		{"retraining", func(c *config.Config) { c.Tickets.SeverityRetrainEvery = time.Hour }, 4},
		{"round robin", func(c *config.Config) { c.Bot.Assignment = "round_robin" }, 4},
		{"all", func(c *config.Config) {
			c.Privacy.Retention, c.Tickets.SeverityRetrainEvery, c.Bot.Assignment = time.Hour, time.Hour, "round_robin"
		}, 6},
	} {
		cfg, err := config.Load("", nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Privacy.Retention, cfg.Tickets.SeverityRetrainEvery, cfg.Bot.Assignment = 0, 0, "manual"
		c.set(&cfg)
		if got := len((&app{cfg: cfg}).periodicJobs()); got != c.want {
			t.Errorf("%s: %d jobs, want %d", c.name, got, c.want)
		}
	}
}

func TestLearnWordsOption(t *testing.T) {
	for in, want := range map[int]int{0: -1, 1: 1, 2: 2, 10: 10} {
		if got := learnWordsOption(in); got != want {
			t.Errorf("learnWordsOption(%d) = %d, want %d", in, got, want)
		}
	}
}
