// SPDX-License-Identifier: EUPL-1.2

package config

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var errEOF = io.EOF

func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// field is one leaf of the configuration tree.
type field struct {
	key   string // dotted yaml path
	env   string // HELPDESK_… name
	value reflect.Value
	tag   reflect.StructTag
}

func (f field) errorf(value, expect string) *Error {
	return &Error{Key: f.key, Env: f.env, Value: value, Expect: expect}
}

// fields lists the leaves of cfg in declaration order.
func fields(cfg *Config) []field {
	var out []field
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			fv := v.Field(i)
			if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(time.Duration(0)) {
				walk(fv, key)
				continue
			}
			env := "HELPDESK_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
			out = append(out, field{key: key, env: env, value: fv, tag: sf.Tag})
		}
	}
	walk(reflect.ValueOf(cfg).Elem(), "")
	return out
}

// applyEnv sets every field whose HELPDESK_ variable (or its _FILE form)
// is present.
func applyEnv(cfg *Config, env map[string]string) error {
	for _, f := range fields(cfg) {
		raw, ok := env[f.env]
		if file, fok := env[f.env+"_FILE"]; fok && file != "" {
			b, err := os.ReadFile(file)
			if err != nil {
				return &Error{Key: f.key, Env: f.env + "_FILE", Value: file, Expect: "a readable file (" + err.Error() + ")"}
			}
			raw, ok = strings.TrimRight(string(b), "\r\n"), true
		}
		if !ok {
			continue
		}
		if err := set(f, raw); err != nil {
			return err
		}
	}
	return nil
}

func set(f field, raw string) error {
	shown := raw
	if f.tag.Get("secret") == "true" {
		shown = "(secret)"
	}
	v := f.value
	switch {
	case v.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(raw)
		if err != nil {
			return f.errorf(shown, "a duration such as 30s, 15m or 24h")
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(raw)
	case v.Kind() == reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return f.errorf(shown, "a whole number")
		}
		v.SetInt(int64(n))
	case v.Kind() == reflect.Float64:
		num, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return f.errorf(shown, "a number such as 0.5")
		}
		v.SetFloat(num)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return f.errorf(shown, "true or false")
		}
		v.SetBool(b)
	default:
		return f.errorf(shown, "to be set in the configuration file, not the environment")
	}
	return nil
}

// validate checks every field against its enum/check tags, then the rules
// that span fields.
func validate(cfg *Config) error {
	for _, f := range fields(cfg) {
		v := f.value
		if enum := f.tag.Get("enum"); enum != "" {
			ok := false
			for _, e := range strings.Split(enum, ",") {
				ok = ok || v.String() == e
			}
			if !ok {
				return f.errorf(v.String(), "one of "+strings.ReplaceAll(strings.Trim(enum, ","), ",", ", "))
			}
		}
		switch f.tag.Get("check") {
		case "hostport":
			if _, port, err := net.SplitHostPort(v.String()); err != nil || port == "" {
				return f.errorf(v.String(), "host:port, e.g. 127.0.0.1:8080 or :8080")
			}
		case "optional-hostport":
			if s := v.String(); s != "" {
				if _, port, err := net.SplitHostPort(s); err != nil || port == "" {
					return f.errorf(s, "empty, or host:port such as 127.0.0.1:9090")
				}
			}
		case "cidrs":
			for i := 0; i < v.Len(); i++ {
				if _, err := netip.ParsePrefix(v.Index(i).String()); err != nil {
					return f.errorf(v.Index(i).String(), "networks in CIDR notation, e.g. 10.20.0.0/16 or 127.0.0.1/32")
				}
			}
		case "url":
			if u, err := url.Parse(v.String()); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return f.errorf(v.String(), "an absolute http(s) URL, e.g. https://helpdesk.example.org")
			}
		case "positive":
			if v.Int() <= 0 {
				return f.errorf(fmt.Sprint(v.Interface()), "a value greater than zero")
			}
		case "nonnegative":
			if v.Int() < 0 {
				return f.errorf(fmt.Sprint(v.Interface()), "zero or more")
			}
		}
	}
	if _, err := time.LoadLocation(cfg.Timezone); err != nil {
		return &Error{Key: "timezone", Env: "HELPDESK_TIMEZONE", Value: cfg.Timezone, Expect: "an IANA time zone such as Europe/Rome"}
	}
	if cfg.DatabaseURL != "" {
		if u, err := url.Parse(cfg.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return &Error{Key: "database_url", Env: "HELPDESK_DATABASE_URL or DATABASE_URL", Value: "(secret)",
				Expect: "a URL such as postgres://user:password@host:5432/helpdesk?sslmode=disable"}
		}
	}
	if t := cfg.Bot.AnswerThreshold; t < 0 || t > 1 {
		return &Error{Key: "bot.answer_threshold", Env: "HELPDESK_BOT_ANSWER_THRESHOLD", Value: fmt.Sprint(t), Expect: "0 (derived from kb.target_precision) or a number in (0, 1]"}
	}
	if n := cfg.KB.LearnAfter; n < 1 {
		return &Error{Key: "kb.learn_after", Env: "HELPDESK_KB_LEARN_AFTER", Value: fmt.Sprint(n), Expect: "a whole number of confirmations, 1 or more, e.g. 3"}
	}
	if p := cfg.KB.TargetPrecision; p <= 0 || p >= 1 {
		return &Error{Key: "kb.target_precision", Env: "HELPDESK_KB_TARGET_PRECISION", Value: fmt.Sprint(p), Expect: "a number between 0 and 1, e.g. 0.8"}
	}
	for _, p := range []string{"P1", "P2", "P3", "P4"} {
		if cfg.Bot.FirstResponse[p] <= 0 {
			return &Error{Key: "bot.first_response." + p, Value: fmt.Sprint(cfg.Bot.FirstResponse[p]), Expect: "a positive duration of working time, e.g. 4h"}
		}
	}
	if err := validateChannels(cfg.Channels); err != nil {
		return err
	}
	if err := validateClosureCodes(cfg.Console.ClosureCodes); err != nil {
		return err
	}
	if err := validateCalendarNames(cfg); err != nil {
		return err
	}
	return validateMatrix(cfg.Tickets.PriorityMatrix)
}

// validateChannels checks that an enabled channel has what its mode needs.
func validateChannels(c Channels) error {
	need := func(key, value, what string) error {
		if strings.TrimSpace(value) != "" {
			return nil
		}
		env := "HELPDESK_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		return &Error{Key: key, Env: env + " or " + env + "_FILE", Value: "", Expect: what}
	}
	var errs []error
	if c.Slack.Enabled {
		errs = append(errs, need("channels.slack.bot_token", c.Slack.BotToken, "the Bot User OAuth Token (xoxb-…)"))
		if c.Slack.Mode == "socket" {
			errs = append(errs, need("channels.slack.app_token", c.Slack.AppToken, "an app-level token (xapp-…) with connections:write, for socket mode"))
		} else {
			errs = append(errs, need("channels.slack.signing_secret", c.Slack.SigningSecret, "the app's signing secret, for http mode"))
		}
	}
	if c.Telegram.Enabled {
		errs = append(errs, need("channels.telegram.token", c.Telegram.Token, "the token BotFather gave (123456:ABC…)"))
		if c.Telegram.Mode == "webhook" {
			errs = append(errs, need("channels.telegram.webhook_secret", c.Telegram.WebhookSecret, "a secret of 1–256 letters, digits, _ or -, for webhook mode"))
		}
	}
	if c.Mattermost.Enabled {
		errs = append(errs, need("channels.mattermost.url", c.Mattermost.URL, "the server's address, e.g. https://chat.example.org"))
		errs = append(errs, need("channels.mattermost.token", c.Mattermost.Token, "the bot account's access token"))
		if c.Mattermost.CallbackURL != "" {
			errs = append(errs, need("channels.mattermost.action_secret", c.Mattermost.ActionSecret, "a shared secret for button callbacks"))
		}
	}
	if c.Email.Enabled {
		errs = append(errs, need("channels.email.from_address", c.Email.FromAddress, "the desk's address, e.g. helpdesk@example.org"))
		errs = append(errs, need("channels.email.smtp_addr", c.Email.SMTPAddr, "the SMTP server as host:port, e.g. smtp.example.org:587"))
	}
	if c.Triage.Enabled {
		errs = append(errs, need("channels.triage.channel_id", c.Triage.ChannelID, "the id of the agents' triage channel (C… in Slack, 26 characters in Mattermost)"))
		if (c.Triage.Platform == "slack" && !c.Slack.Enabled) || (c.Triage.Platform == "mattermost" && !c.Mattermost.Enabled) {
			errs = append(errs, &Error{Key: "channels.triage.platform", Env: "HELPDESK_CHANNELS_TRIAGE_PLATFORM", Value: c.Triage.Platform,
				Expect: "a platform that is enabled too (channels." + c.Triage.Platform + ".enabled)"})
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func validateMatrix(m map[string]map[string]string) error {
	levels := []string{"high", "medium", "low"}
	for _, u := range levels {
		for _, i := range levels {
			p := m[u][i]
			if p != "P1" && p != "P2" && p != "P3" && p != "P4" {
				return &Error{Key: fmt.Sprintf("tickets.priority_matrix.%s.%s", u, i), Value: p,
					Expect: "P1, P2, P3 or P4 for every urgency × impact (high, medium, low)"}
			}
		}
	}
	return nil
}

var closureCodeSyntax = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// validateClosureCodes checks the closure codes agents pick from: at least
// one, each a short lower-case code, unique, with both labels.
func validateClosureCodes(codes []ClosureCode) error {
	const key = "console.closure_codes"
	if len(codes) == 0 {
		return &Error{Key: key, Value: "[]", Expect: "at least one code, e.g. {code: solved, it: Risolto, en: Solved}"}
	}
	seen := map[string]bool{}
	for _, c := range codes {
		switch {
		case !closureCodeSyntax.MatchString(c.Code):
			return &Error{Key: key, Value: c.Code, Expect: "codes of lower-case letters, digits and _ (at most 40), e.g. no_reply"}
		case seen[c.Code]:
			return &Error{Key: key, Value: c.Code, Expect: "each code once"}
		case strings.TrimSpace(c.IT) == "" || strings.TrimSpace(c.EN) == "":
			return &Error{Key: key, Value: c.Code, Expect: "an Italian (it) and an English (en) label for every code"}
		}
		seen[c.Code] = true
	}
	return nil
}
