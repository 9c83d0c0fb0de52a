// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jmoiron/sqlx"

	"helpdesk/adapters/email"
	"helpdesk/adapters/mattermost"
	"helpdesk/adapters/slack"
	"helpdesk/adapters/telegram"
	"helpdesk/bots"
	"helpdesk/internal/config"
	"helpdesk/internal/leader"
)

// channel is what serve needs of a chat adapter.
type channel interface {
	Run(ctx context.Context) error
	Routes(mux *http.ServeMux)
	Send(ctx context.Context, out bots.Outbound) error
	Check(ctx context.Context) error
}

// engine is what adapters need of the engine (each declares the same).
type engine interface {
	Handle(ctx context.Context, in bots.Inbound) (bots.Result, error)
	HandleMail(ctx context.Context, m bots.Mail) (bots.MailResult, error)
}

// buildChannels creates the enabled chat adapters, by channel name.
func buildChannels(cfg config.Config, h engine, openConv func(ctx context.Context, key string) (bool, error), log *slog.Logger, pool *sqlx.DB) (map[string]channel, error) {
	out := map[string]channel{}
	c := cfg.Channels
	// Each adapter names its channel on its own log lines: the logger is
	// passed as it is, so every line says channel= once.
	if c.Slack.Enabled {
		opts := []slack.Option{}
		if openConv != nil {
			opts = append(opts, slack.WithOpenConversation(openConv))
		}
		if c.Slack.APIURL != "" {
			opts = append(opts, slack.WithAPIURL(c.Slack.APIURL))
		}
		s := c.Slack
		a, err := slack.New(slack.Config{Mode: s.Mode, BotToken: s.BotToken, AppToken: s.AppToken,
			SigningSecret: s.SigningSecret, SendInterval: s.SendInterval, MaxRateLimitWait: s.MaxRateLimitWait,
			UserCacheTTL: s.UserCacheTTL, ThreadMemory: s.ThreadMemory}, h, log, opts...)
		if err != nil {
			return nil, fmt.Errorf("slack: %w", err)
		}
		out["slack"] = a
	}
	if c.Telegram.Enabled {
		opts := []telegram.Option{}
		if pool != nil {
			opts = append(opts, telegram.WithDB(pool))
		}
		tg := c.Telegram
		a, err := telegram.New(telegram.Config{Token: tg.Token, Mode: tg.Mode, WebhookURL: tg.WebhookURL,
			WebhookSecret: tg.WebhookSecret, WebhookPath: tg.WebhookPath, APIURL: tg.APIURL, PrivateAPI: tg.PrivateAPI, PollTimeout: tg.PollTimeout,
			Workers: tg.Workers, MaxRetryWait: tg.MaxRetryWait}, h, log, opts...)
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		out["telegram"] = a
		if pool != nil && c.Telegram.Mode != "webhook" {
			// One poller per bot token across instances (internal/leader).
			el, err := leader.New(pool.DB, leader.Options{Logger: log})
			if err != nil {
				return nil, err
			}
			out["telegram"] = leaderChannel{channel: a, name: telegramLeaderName(c.Telegram.Token), elector: el}
		}
	}
	if c.Mattermost.Enabled {
		m := c.Mattermost
		var opts []mattermost.Option
		if pool != nil {
			opts = append(opts, mattermost.WithDB(pool)) // catch-up cursors survive a restart
		}
		a, err := mattermost.New(mattermost.Config{URL: m.URL, Token: m.Token, CallbackURL: m.CallbackURL,
			ActionSecret: m.ActionSecret, IgnoreMentions: m.IgnoreMentions, MaxRetryWait: m.MaxRetryWait}, h, log, opts...)
		if err != nil {
			return nil, fmt.Errorf("mattermost: %w", err)
		}
		out["mattermost"] = a
	}
	if c.Email.Enabled {
		opts := []email.Option{}
		if pool != nil {
			opts = append(opts, email.WithDB(pool))
		}
		e := c.Email
		lang := e.DefaultLang
		if lang == "" {
			lang = cfg.Language
		}
		a, err := email.New(email.Config{IMAPAddr: e.IMAPAddr, IMAPSecurity: e.IMAPSecurity, IMAPUsername: e.IMAPUsername,
			IMAPPassword: e.IMAPPassword, Mailbox: e.Mailbox, Processed: e.Processed, ProcessedKeyword: e.ProcessedKeyword,
			ProcessedFolder: e.ProcessedFolder, PollInterval: e.PollInterval, DisableIdle: e.DisableIdle,
			SMTPAddr: e.SMTPAddr, SMTPSecurity: e.SMTPSecurity, SMTPUsername: e.SMTPUsername, SMTPPassword: e.SMTPPassword,
			FromAddress: e.FromAddress, FromName: e.FromName, MessageIDDomain: e.MessageIDDomain, DefaultLang: lang,
			AttachmentDir: e.AttachmentDir, MaxAttachmentBytes: int64(e.MaxAttachmentBytes),
			MaxMessageBytes: int64(e.MaxMessageBytes), Timeout: e.Timeout, CAFile: e.CAFile,
			Voicemail: email.VoicemailRules{Senders: e.Voicemail.Senders, Subjects: e.Voicemail.Subjects, Callers: e.Voicemail.Callers}}, h, log, opts...)
		if err != nil {
			return nil, fmt.Errorf("email: %w", err)
		}
		out[bots.ChannelEmail] = a
		if pool != nil && e.IMAPAddr != "" {
			// One poller per mailbox across instances (internal/leader).
			el, err := leader.New(pool.DB, leader.Options{Logger: log})
			if err != nil {
				return nil, err
			}
			out[bots.ChannelEmail] = leaderChannel{channel: a, name: a.LeaderName(), elector: el}
		}
	}
	return out, nil
}

// noEngine answers nothing: `channels check` builds adapters only to call
// their Check.
type noEngine struct{}

func (noEngine) Handle(context.Context, bots.Inbound) (bots.Result, error) {
	return bots.Result{}, errors.New("not serving")
}

func (noEngine) HandleMail(context.Context, bots.Mail) (bots.MailResult, error) {
	return bots.MailResult{}, errors.New("not serving")
}

// runChannels implements `helpdesk channels check`.
func runChannels(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("channels", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || fs.Arg(0) != "check" {
		fmt.Fprintln(env.stderr, "usage: helpdesk channels check")
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	chans, err := buildChannels(cfg, noEngine{}, nil, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return err
	}
	if len(chans) == 0 {
		env.printf("no channel is enabled: set channels.<slack|telegram|mattermost>.enabled (see docs/channels/)\n")
		return nil
	}
	failed := 0
	for _, name := range []string{"slack", "telegram", "mattermost", bots.ChannelEmail} {
		ch, ok := chans[name]
		if !ok {
			continue
		}
		if err := ch.Check(ctx); err != nil {
			failed++
			env.printf("%-10s FAIL  %v\n", name, err)
			continue
		}
		env.printf("%-10s ok\n", name)
	}
	if failed > 0 {
		return fmt.Errorf("%d channel(s) not ready", failed)
	}
	return nil
}
