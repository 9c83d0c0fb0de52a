// SPDX-License-Identifier: EUPL-1.2

package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// Variables the docs name that are not configuration keys, with where
// they are read.
var notConfigEnv = map[string]string{
	"HELPDESK_CONFIG":        "cmd/helpdesk/main.go: the configuration file's path",
	"HELPDESK_BENCH_TICKETS": "web's ticket-page benchmark (docs/console.md): how many tickets it makes",
	"HELPDESK_CHANNELS_":     "a prefix named in prose",
}

// Words in backquotes that look like keys of the api and console sections
// but are a host and a file name.
var notConfigKey = map[string]bool{"api.telegram.org": true, "console.go": true}

var (
	docKey = regexp.MustCompile("`([a-z][a-z_]*(?:\\.[a-z0-9_]+)+)`")
	docEnv = regexp.MustCompile(`HELPDESK_[A-Z0-9_]+`)
)

// docFiles are the README and every Markdown file under docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"../../README.md"}
	err := filepath.WalkDir("../../docs", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestDocumentedKeysLoad: every configuration key and HELPDESK_ variable
// the docs name is accepted by the loader — the key in a YAML file (with
// its default value), the variable in the environment — so a documented
// setting is never refused ("field … not found") nor silently ignored.
func TestDocumentedKeysLoad(t *testing.T) {
	def := Default()
	leaves := map[string]field{}
	envs := map[string]field{}
	sections := map[string]bool{}
	for _, f := range fields(&def) {
		leaves[f.key] = f
		envs[f.env] = f
		sections[strings.SplitN(f.key, ".", 2)[0]] = true
	}
	var keys, vars int
	for _, file := range docFiles(t) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range docKey.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if !sections[strings.SplitN(key, ".", 2)[0]] || strings.Contains(key, "..") || notConfigKey[key] {
				continue // a file name, a package path, an example value
			}
			keys++
			f, ok := leaves[key]
			if !ok {
				if underMap(leaves, key) {
					continue
				}
				t.Errorf("%s names %s, which the configuration does not have", file, key)
				continue
			}
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, yamlFor(t, key, f.value.Interface()), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(path, nil); err != nil && !isValueError(err) {
				t.Errorf("%s: key %s refused: %v", file, key, err)
			}
		}
		for _, env := range docEnv.FindAllString(string(b), -1) {
			if _, skip := notConfigEnv[env]; skip {
				continue
			}
			vars++
			if _, ok := envs[env]; ok {
				continue
			}
			f, ok := envs[strings.TrimSuffix(env, "_FILE")]
			if !ok || !strings.HasSuffix(env, "_FILE") {
				t.Errorf("%s names %s, which the loader ignores", file, env)
				continue
			}
			if f.tag.Get("secret") != "true" {
				t.Errorf("%s names %s, but only secrets are read from files", file, env)
			}
		}
	}
	if keys < 50 || vars < 50 {
		t.Fatalf("found only %d keys and %d variables in the docs: the patterns no longer match", keys, vars)
	}
}

// TestNewChannelKeysReachConfig: the channel settings the docs promise
// land in the typed configuration from both YAML and the environment.
func TestNewChannelKeysReachConfig(t *testing.T) {
	env := []string{"HELPDESK_CHANNELS_TELEGRAM_POLL_TIMEOUT=20s", "HELPDESK_CHANNELS_TELEGRAM_WORKERS=8",
		"HELPDESK_CHANNELS_SLACK_API_URL=https://slack.example.gov/api/", "HELPDESK_CHANNELS_MATTERMOST_IGNORE_MENTIONS=true",
		"HELPDESK_CHANNELS_EMAIL_DISABLE_IDLE=true", "HELPDESK_CHANNELS_EMAIL_MAX_MESSAGE_BYTES=1000",
		"HELPDESK_CHANNELS_EMAIL_CA_FILE=/etc/ssl/private-ca.pem", "HELPDESK_CHANNELS_TELEGRAM_PRIVATE_API=true"}
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("channels:\n  telegram:\n    webhook_path: /tg\n    max_retry_wait: 5s\n  email:\n    timeout: 30s\n    default_lang: en\n"), 0o600)
	cfg, err := Load(path, env)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Channels
	if c.Telegram.PollTimeout.String() != "20s" || c.Telegram.Workers != 8 || c.Telegram.WebhookPath != "/tg" ||
		c.Telegram.MaxRetryWait.String() != "5s" || c.Slack.APIURL != "https://slack.example.gov/api/" ||
		!c.Mattermost.IgnoreMentions || !c.Email.DisableIdle || c.Email.MaxMessageBytes != 1000 ||
		c.Email.Timeout.String() != "30s" || c.Email.DefaultLang != "en" || c.Email.CAFile != "/etc/ssl/private-ca.pem" ||
		!c.Telegram.PrivateAPI {
		t.Fatalf("%+v", c)
	}
	if _, err := Load("", []string{"HELPDESK_CHANNELS_EMAIL_DEFAULT_LANG=fr"}); err == nil {
		t.Error("default_lang fr accepted")
	}
}

// underMap: key lies under a map-valued leaf (calendar.hours.mon).
func underMap(leaves map[string]field, key string) bool {
	for k, f := range leaves {
		if strings.HasPrefix(key, k+".") && f.value.Kind() == reflect.Map {
			return true
		}
	}
	return false
}

// yamlFor writes {a: {b: {c: v}}} for the key a.b.c.
func yamlFor(t *testing.T, key string, v any) []byte {
	t.Helper()
	parts := strings.Split(key, ".")
	var doc any = v
	for i := len(parts) - 1; i >= 0; i-- {
		doc = map[string]any{parts[i]: doc}
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// isValueError: the key was read, only its (default) value did not pass a
// check that depends on other settings (say, a channel enabled without a
// token): that is not the key being refused.
func isValueError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
