// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/adapters/mattermost"
	"helpdesk/adapters/slack"
	"helpdesk/adapters/triage"
	"helpdesk/bots"
	"helpdesk/internal/config"
)

// newTriage builds the triage relay on the Slack or Mattermost adapter of
// chans and diverts the triage channel's events to it. It must run before
// the adapter starts, so messages of the agents' channel never reach the
// bot. The wiring lives here because the relay knows no platform and the
// adapters know no relay: each adapter's TriageEvent converts to
// triage.Event, and each adapter is a triage.Poster.
func newTriage(t config.Triage, chans map[string]channel, actions bots.AgentActions, pool *sqlx.DB,
	dbURL string, codes bots.ClosureCodes, log *slog.Logger) (*triage.Relay, error) {
	cfg := triage.Config{Platform: strings.ToLower(strings.TrimSpace(t.Platform)), ChannelID: strings.TrimSpace(t.ChannelID),
		NotePrefix: t.NotePrefix, Lang: t.Lang, PollInterval: t.PollInterval, DatabaseURL: dbURL, ClosureCodes: codes}
	opts := []triage.Option{triage.WithDB(pool)}
	var attach func(*triage.Relay)
	switch cfg.Platform {
	case triage.PlatformSlack:
		s, ok := chans["slack"].(*slack.Adapter)
		if !ok {
			return nil, fmt.Errorf("%w: platform slack needs the Slack channel configured and running", triage.ErrConfig)
		}
		opts = append(opts, triage.WithPoster(s))
		attach = func(r *triage.Relay) {
			s.SetTriage(cfg.ChannelID, func(_ context.Context, ev slack.TriageEvent) { r.Receive(triage.Event(ev)) })
		}
	case triage.PlatformMattermost:
		m, ok := chans["mattermost"].(*mattermost.Adapter)
		if !ok {
			return nil, fmt.Errorf("%w: platform mattermost needs the Mattermost channel configured and running", triage.ErrConfig)
		}
		opts = append(opts, triage.WithPoster(m))
		attach = func(r *triage.Relay) {
			m.SetTriage(cfg.ChannelID, func(_ context.Context, ev mattermost.TriageEvent) { r.Receive(triage.Event(ev)) })
		}
	default:
		return nil, fmt.Errorf("%w: platform %q is unknown: use slack or mattermost", triage.ErrConfig, t.Platform)
	}
	r, err := triage.New(cfg, actions, log, opts...)
	if err != nil {
		return nil, err
	}
	attach(r)
	return r, nil
}
