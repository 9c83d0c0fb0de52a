// SPDX-License-Identifier: EUPL-1.2

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFileThenEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "helpdesk.yaml")
	os.WriteFile(path, []byte("language: en\nhttp:\n  addr: \":9000\"\nbackup:\n  keep: 3\ntickets:\n  priority_matrix:\n    low:\n      low: P3\n"), 0o600)
	secret := filepath.Join(dir, "db-url")
	os.WriteFile(secret, []byte("postgres://u:p@db:5432/hd?sslmode=disable\n"), 0o600)
	cfg, err := Load(path, []string{
		"HELPDESK_BACKUP_KEEP=5",
		"HELPDESK_BACKUP_INTERVAL=6h",
		"HELPDESK_DATABASE_URL_FILE=" + secret,
		"HELPDESK_DATABASE_MIGRATE_ON_START=false",
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Language != "en" || cfg.HTTP.Addr != ":9000" {
		t.Fatalf("file values not applied: %+v", cfg)
	}
	if cfg.Backup.Keep != 5 || cfg.Backup.Interval != 6*time.Hour {
		t.Fatalf("environment does not override the file: %+v", cfg.Backup)
	}
	if cfg.DatabaseURL != "postgres://u:p@db:5432/hd?sslmode=disable" {
		t.Fatalf("secret from file = %q", cfg.DatabaseURL)
	}
	if cfg.Database.MigrateOnStart {
		t.Fatal("bool override ignored")
	}
	if cfg.KB.TargetPrecision != 0.8 || cfg.Bot.AnswerThreshold != 0 {
		t.Fatalf("kb.target_precision %v, bot.answer_threshold %v: want the defaults 0.8 and 0 (derived)", cfg.KB.TargetPrecision, cfg.Bot.AnswerThreshold)
	}
	if c, err := Load("", []string{"HELPDESK_KB_TARGET_PRECISION=0.9"}); err != nil || c.KB.TargetPrecision != 0.9 {
		t.Fatalf("HELPDESK_KB_TARGET_PRECISION: %v %v", c.KB.TargetPrecision, err)
	}
	if cfg.KB.LearnAfter != 3 {
		t.Fatalf("kb.learn_after %d: want the default 3", cfg.KB.LearnAfter)
	}
	if c, err := Load("", []string{"HELPDESK_KB_LEARN_AFTER=5"}); err != nil || c.KB.LearnAfter != 5 {
		t.Fatalf("HELPDESK_KB_LEARN_AFTER: %v %v", c.KB.LearnAfter, err)
	}
	if cfg.Tickets.PriorityMatrix["low"]["low"] != "P3" || cfg.Tickets.PriorityMatrix["high"]["high"] != "P1" {
		t.Fatalf("matrix override = %v", cfg.Tickets.PriorityMatrix)
	}
}

func TestBadValuesNameTheKey(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		env      []string
		wantKey  string
		contains []string
	}{
		{name: "bad address", env: []string{"HELPDESK_HTTP_ADDR=localhost"}, wantKey: "http.addr",
			contains: []string{"HELPDESK_HTTP_ADDR", `"localhost"`, "host:port"}},
		{name: "bad duration", env: []string{"HELPDESK_BACKUP_INTERVAL=daily"}, wantKey: "backup.interval",
			contains: []string{"duration such as"}},
		{name: "bad number", env: []string{"HELPDESK_BACKUP_KEEP=seven"}, wantKey: "backup.keep", contains: []string{"whole number"}},
		{name: "zero keep", env: []string{"HELPDESK_BACKUP_KEEP=0"}, wantKey: "backup.keep", contains: []string{"greater than zero"}},
		{name: "bad language", env: []string{"HELPDESK_LANGUAGE=fr"}, wantKey: "language", contains: []string{"one of it, en"}},
		{name: "bad timezone", env: []string{"HELPDESK_TIMEZONE=Mars/Olympus"}, wantKey: "timezone", contains: []string{"IANA"}},
		{name: "bad base url", env: []string{"HELPDESK_HTTP_BASE_URL=helpdesk.local"}, wantKey: "http.base_url", contains: []string{"absolute http(s) URL"}},
		{name: "database url hidden", env: []string{"DATABASE_URL=mysql://root:hunter2@x/db"}, wantKey: "database_url", contains: []string{"(secret)"}},
		{name: "matrix hole", file: "tickets:\n  priority_matrix:\n    high:\n      low: P9\n", wantKey: "tickets.priority_matrix.high.low", contains: []string{"P1, P2, P3 or P4"}},
		{name: "target precision above 1", env: []string{"HELPDESK_KB_TARGET_PRECISION=80"}, wantKey: "kb.target_precision", contains: []string{"between 0 and 1"}},
		{name: "learn after zero", env: []string{"HELPDESK_KB_LEARN_AFTER=0"}, wantKey: "kb.learn_after", contains: []string{"1 or more"}},
		{name: "target precision zero", file: "kb:\n  target_precision: 0\n", wantKey: "kb.target_precision", contains: []string{"between 0 and 1"}},
		{name: "negative answer threshold", env: []string{"HELPDESK_BOT_ANSWER_THRESHOLD=-0.1"}, wantKey: "bot.answer_threshold", contains: []string{"kb.target_precision"}},
		{name: "no closure codes", file: "console:\n  closure_codes: []\n", wantKey: "console.closure_codes", contains: []string{"at least one code"}},
		{name: "closure code syntax", file: "console:\n  closure_codes:\n    - {code: Risolto, it: Risolto, en: Solved}\n", wantKey: "console.closure_codes", contains: []string{"lower-case"}},
		{name: "closure code twice", file: "console:\n  closure_codes:\n    - {code: ok, it: a, en: b}\n    - {code: ok, it: c, en: d}\n", wantKey: "console.closure_codes", contains: []string{"each code once"}},
		{name: "closure code without label", file: "console:\n  closure_codes:\n    - {code: ok, it: Fatto}\n", wantKey: "console.closure_codes", contains: []string{"English (en) label"}},
		{name: "missing secret file", env: []string{"HELPDESK_DATABASE_URL_FILE=/nonexistent/x"}, wantKey: "database_url", contains: []string{"HELPDESK_DATABASE_URL_FILE", "readable file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = filepath.Join(t.TempDir(), "c.yaml")
				os.WriteFile(path, []byte(tt.file), 0o600)
			}
			_, err := Load(path, tt.env)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *config.Error", err)
			}
			if ce.Key != tt.wantKey {
				t.Fatalf("key = %q, want %q (%v)", ce.Key, tt.wantKey, err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a secret: %v", err)
			}
		})
	}
}

func TestEnabledChannelNeedsItsSecrets(t *testing.T) {
	tests := []struct {
		env     []string
		wantKey string
	}{
		{[]string{"HELPDESK_CHANNELS_SLACK_ENABLED=true", "HELPDESK_CHANNELS_SLACK_BOT_TOKEN=xoxb-1"}, "channels.slack.app_token"},
		{[]string{"HELPDESK_CHANNELS_SLACK_ENABLED=true", "HELPDESK_CHANNELS_SLACK_MODE=http", "HELPDESK_CHANNELS_SLACK_BOT_TOKEN=xoxb-1"}, "channels.slack.signing_secret"},
		{[]string{"HELPDESK_CHANNELS_TELEGRAM_ENABLED=true"}, "channels.telegram.token"},
		{[]string{"HELPDESK_CHANNELS_TELEGRAM_ENABLED=true", "HELPDESK_CHANNELS_TELEGRAM_TOKEN=1:x", "HELPDESK_CHANNELS_TELEGRAM_MODE=webhook"}, "channels.telegram.webhook_secret"},
		{[]string{"HELPDESK_CHANNELS_MATTERMOST_ENABLED=true", "HELPDESK_CHANNELS_MATTERMOST_URL=https://chat.example.org"}, "channels.mattermost.token"},
		{[]string{"HELPDESK_CHANNELS_SLACK_MODE=websocket"}, "channels.slack.mode"},
	}
	for _, tt := range tests {
		t.Run(tt.wantKey, func(t *testing.T) {
			_, err := Load("", tt.env)
			var ce *Error
			if !errors.As(err, &ce) || ce.Key != tt.wantKey {
				t.Fatalf("err = %v, want a problem with %s", err, tt.wantKey)
			}
		})
	}
	if _, err := Load("", []string{"HELPDESK_CHANNELS_TELEGRAM_ENABLED=true", "HELPDESK_CHANNELS_TELEGRAM_TOKEN=1:x"}); err != nil {
		t.Fatalf("complete telegram config refused: %v", err)
	}
}
