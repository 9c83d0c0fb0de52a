// SPDX-License-Identifier: EUPL-1.2

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultsAreValid(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.Addr != "127.0.0.1:8080" || cfg.Language != "it" || !cfg.Database.MigrateOnStart {
		t.Fatalf("defaults = %+v", cfg)
	}
}

// TestClosureCodesReplaceTheDefaults: a configured list is the whole list,
// not added to the default one.
func TestClosureCodesReplaceTheDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("console:\n  closure_codes:\n    - {code: fixed, it: Riparato, en: Fixed}\n"), 0o600)
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Console.ClosureCodes; len(got) != 1 || got[0] != (ClosureCode{Code: "fixed", IT: "Riparato", EN: "Fixed"}) {
		t.Fatalf("closure codes %+v, want only the configured one", got)
	}
}

func TestUnknownFileKeyIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("htp:\n  addr: \":1\"\n"), 0o600)
	_, err := Load(path, nil)
	if err == nil || !strings.Contains(err.Error(), "htp") {
		t.Fatalf("err = %v, want a mention of the unknown key", err)
	}
}

// TestSecurityKeysReachConfig: the keys of the security model
// (docs/operations.md) load from YAML and the environment, and bad
// values are refused.
func TestSecurityKeysReachConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("api:\n  webhooks:\n    allow_private_targets: [127.0.0.1/32, 10.20.0.0/16]\nconsole:\n  editors_read_tickets: true\n"), 0o600)
	cfg, err := Load(path, []string{"HELPDESK_HTTP_METRICS_ADDR=127.0.0.1:9090", "HELPDESK_BOT_MAX_TEXT_BYTES=4096"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.API.Webhooks.AllowPrivateTargets; len(got) != 2 || got[1] != "10.20.0.0/16" {
		t.Errorf("allow_private_targets = %v", got)
	}
	if !cfg.Console.EditorsReadTickets || cfg.HTTP.MetricsAddr != "127.0.0.1:9090" || cfg.Bot.MaxTextBytes != 4096 {
		t.Errorf("console %+v, metrics_addr %q, max_text_bytes %d", cfg.Console, cfg.HTTP.MetricsAddr, cfg.Bot.MaxTextBytes)
	}
	if d := Default(); d.HTTP.MetricsAddr != "" || d.Console.EditorsReadTickets || d.Bot.MaxTextBytes != 16<<10 {
		t.Errorf("defaults: metrics_addr %q, editors_read_tickets %v, max_text_bytes %d", d.HTTP.MetricsAddr, d.Console.EditorsReadTickets, d.Bot.MaxTextBytes)
	}
	for _, env := range []string{"HELPDESK_HTTP_METRICS_ADDR=9090", "HELPDESK_BOT_MAX_TEXT_BYTES=0"} {
		if _, err := Load("", []string{env}); err == nil {
			t.Errorf("%s accepted", env)
		}
	}
	os.WriteFile(path, []byte("api:\n  webhooks:\n    allow_private_targets: [intranet]\n"), 0o600)
	if _, err := Load(path, nil); err == nil {
		t.Error("allow_private_targets: [intranet] accepted")
	}
}
