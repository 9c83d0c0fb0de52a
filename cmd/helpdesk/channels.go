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
	if c.Slack.Enabled {
		opts := []slack.Option{}
		if openConv != nil {
			opts = append(opts, slack.WithOpenConversation(openConv))
		}
		a, err := slack.New(slack.Config{Mode: c.Slack.Mode, BotToken: c.Slack.BotToken, AppToken: c.Slack.AppToken,
			SigningSecret: c.Slack.SigningSecret}, h, log.With("channel", "slack"), opts...)
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
		a, err := telegram.New(telegram.Config{Token: c.Telegram.Token, Mode: c.Telegram.Mode, WebhookURL: c.Telegram.WebhookURL,
			WebhookSecret: c.Telegram.WebhookSecret, APIURL: c.Telegram.APIURL}, h, log.With("channel", "telegram"), opts...)
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
		a, err := mattermost.New(mattermost.Config{URL: c.Mattermost.URL, Token: c.Mattermost.Token,
			CallbackURL: c.Mattermost.CallbackURL, ActionSecret: c.Mattermost.ActionSecret}, h, log.With("channel", "mattermost"))
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
		a, err := email.New(email.Config{IMAPAddr: e.IMAPAddr, IMAPSecurity: e.IMAPSecurity, IMAPUsername: e.IMAPUsername,
			IMAPPassword: e.IMAPPassword, Mailbox: e.Mailbox, Processed: e.Processed, ProcessedFolder: e.ProcessedFolder,
			PollInterval: e.PollInterval, SMTPAddr: e.SMTPAddr, SMTPSecurity: e.SMTPSecurity, SMTPUsername: e.SMTPUsername,
			SMTPPassword: e.SMTPPassword, FromAddress: e.FromAddress, FromName: e.FromName, DefaultLang: cfg.Language,
			AttachmentDir: e.AttachmentDir}, h, log.With("channel", "email"), opts...)
		if err != nil {
			return nil, fmt.Errorf("email: %w", err)
		}
		out[bots.ChannelEmail] = a
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
