// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Check asks Telegram whether the configuration works: the token (getMe)
// and the webhook state (getWebhookInfo) against the mode. The error says
// what is wrong and what to do.
func (a *Adapter) Check(ctx context.Context) error {
	var me *models.User
	err := a.call(ctx, "getMe", func(ctx context.Context) error {
		var err error
		me, err = a.bot.GetMe(ctx)
		return err
	})
	switch {
	case errors.Is(err, bot.ErrorUnauthorized), errors.Is(err, bot.ErrorNotFound):
		return fmt.Errorf("%w: Telegram does not know this token (revoked or mistyped): copy it again from @BotFather (/mybots → API Token)", ErrBadToken)
	case err != nil && isTransport(err):
		return fmt.Errorf("telegram: cannot reach the Bot API at %s (network, proxy or firewall?): %w", a.cfg.APIURL, err)
	case err != nil:
		return fmt.Errorf("telegram: getMe failed: %w", err)
	case !me.IsBot:
		return fmt.Errorf("%w: the token belongs to a user, not a bot", ErrBadToken)
	}
	var info *models.WebhookInfo
	err = a.call(ctx, "getWebhookInfo", func(ctx context.Context) error {
		var err error
		info, err = a.bot.GetWebhookInfo(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram: getWebhookInfo for @%s: %w", me.Username, err)
	}
	switch {
	case a.cfg.Mode == ModePolling && info.URL != "":
		return fmt.Errorf("%w (%s) while the channel is in polling mode: getUpdates answers 409 Conflict; delete the webhook (Bot API deleteWebhook) or set the mode to webhook", ErrWebhookSet, info.URL)
	case a.cfg.Mode == ModeWebhook && a.cfg.WebhookURL == "" && info.URL == "":
		return fmt.Errorf("telegram: webhook mode, but no webhook is registered for @%s: set the webhook URL in the configuration (the service registers it) or call setWebhook with the secret token", me.Username)
	case a.cfg.Mode == ModeWebhook && a.cfg.WebhookURL != "" && info.URL != a.cfg.WebhookURL:
		return fmt.Errorf("telegram: the webhook of @%s points to %q, the configuration says %q: start the service (it registers the configured one) or fix the configuration", me.Username, info.URL, a.cfg.WebhookURL)
	case a.cfg.Mode == ModeWebhook && info.LastErrorMessage != "" && time.Since(time.Unix(int64(info.LastErrorDate), 0)) < 24*time.Hour:
		return fmt.Errorf("telegram: Telegram could not deliver to the webhook %s at %s: %s (check the public URL, TLS certificate and secret)",
			info.URL, time.Unix(int64(info.LastErrorDate), 0).UTC().Format(time.RFC3339), info.LastErrorMessage)
	}
	a.log.Info("telegram bot reachable", "bot", "@"+me.Username, "mode", a.cfg.Mode, "pending_updates", info.PendingUpdateCount)
	return nil
}

// isTransport tells a failure to talk to the server from an answer of it.
func isTransport(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}
