// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/adapters/triage"
	"helpdesk/bots"
	"helpdesk/internal/config"
)

// noActions stands for the engine: newTriage only hands it to the relay,
// which is never run here.
type noActions struct{ bots.AgentActions }

// TestNewTriage: the relay is built on the adapter of the configured
// platform, and refused, with triage.ErrConfig, when that adapter is not
// among the running channels or the platform is unknown.
func TestNewTriage(t *testing.T) {
	cfg := config.Default()
	c := &cfg.Channels
	c.Slack = config.Slack{Enabled: true, Mode: "socket", BotToken: "xoxb-1", AppToken: "xapp-1"}
	c.Mattermost = config.Mattermost{Enabled: true, URL: "http://127.0.0.1:8065", Token: "tok"}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	all, err := buildChannels(cfg, noEngine{}, nil, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	only := func(name string) map[string]channel { return map[string]channel{name: all[name]} }
	pool := sqlx.NewDb(nil, "postgres") // never used: the relay is not run
	for _, tc := range []struct {
		name     string
		platform string
		chans    map[string]channel
		ok       bool
	}{
		{"slack", "slack", all, true},
		{"mattermost", " Mattermost ", all, true},
		{"slack without the Slack channel", "slack", only("mattermost"), false},
		{"mattermost without the Mattermost channel", "mattermost", only("slack"), false},
		{"unknown platform", "teams", all, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := config.Triage{Enabled: true, Platform: tc.platform, ChannelID: "C0TRIAGE"}
			r, err := newTriage(tr, tc.chans, noActions{}, pool, "", nil, log)
			if tc.ok && (err != nil || r == nil) {
				t.Fatalf("newTriage(%q) = %v, %v", tc.platform, r, err)
			}
			if !tc.ok && !errors.Is(err, triage.ErrConfig) {
				t.Fatalf("newTriage(%q) = %v, want triage.ErrConfig", tc.platform, err)
			}
		})
	}
}
