// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"fmt"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// errRetry marks an update to be delivered again later: the database is
// unavailable (or the service is stopping), nothing was lost.
var errRetry = errors.New("telegram: update must be retried")

// process handles one update. It returns an error (wrapping errRetry) only
// when the update must come again; everything else is handled or logged
// and dropped here.
func (a *Adapter) process(ctx context.Context, id int64, ev event) error {
	log := a.log.With("update_id", id)
	switch ev.kind {
	case kindIgnore:
		log.Debug("update ignored", "reason", ev.reason)
		if ev.callbackID != "" {
			a.answerCallback(ctx, ev.callbackID, "")
		}
		return nil
	case kindMalformed:
		log.Warn("malformed update dropped", "reason", ev.reason)
		return nil
	case kindGroup:
		a.say(ctx, ev.chatID, ev.lang, "private.only")
		return nil
	case kindNotText:
		a.say(ctx, ev.chatID, ev.lang, "text.only")
		return nil
	}
	if ev.callbackID != "" && ev.data == chosenData {
		// The mark of a choice already made: nothing to do.
		a.answerCallback(ctx, ev.callbackID, "")
		return nil
	}
	if ev.callbackID != "" {
		act, err := a.action(ctx, ev.data)
		switch {
		case errors.Is(err, errExpiredButton):
			a.answerCallback(ctx, ev.callbackID, telegramText.T(ev.lang, "callback.expired"))
			return nil
		case err != nil && (db.IsUnavailable(err) || ctx.Err() != nil):
			return fmt.Errorf("%w: %w", errRetry, err)
		case err != nil:
			log.Error("read button payload", "err", err)
			a.answerCallback(ctx, ev.callbackID, telegramText.T(ev.lang, "error.internal"))
			return nil
		}
		ev.in.Action = act
		// Answered before the engine runs, so the spinner stops at once.
		a.answerCallback(ctx, ev.callbackID, "")
	}
	res, err := a.h.Handle(ctx, ev.in)
	switch {
	case err == nil:
		if res.Duplicate {
			log.Debug("redelivered update: already handled", "external_id", ev.in.ExternalID)
		}
		if ev.callbackID != "" && !res.Duplicate && !res.Stale {
			a.markChosen(ctx, ev.chatID, ev.pressed, ev.label)
		}
		return nil
	case errors.Is(err, db.ErrUnavailable), ctx.Err() != nil:
		log.Warn("database unavailable; the update will be retried", "err", err)
		return fmt.Errorf("%w: %w", errRetry, err)
	case errors.Is(err, bots.ErrInvalidInbound):
		log.Warn("update rejected by the engine; dropped", "external_id", ev.in.ExternalID, "err", err)
	case errors.Is(err, bots.ErrTooLong):
		a.say(ctx, ev.chatID, ev.lang, "too.long")
	default:
		log.Error("handle update", "external_id", ev.in.ExternalID, "err", err)
		a.say(ctx, ev.chatID, ev.lang, "error.internal")
	}
	return nil
}
