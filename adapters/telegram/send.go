// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"helpdesk/bots"
	"helpdesk/bots/markup"
)

// keyboard is an inline keyboard as the Bot API reads it. It is our own
// type, not the library's: the library's button always serialises an
// empty "copy_text" object, which the Bot API may refuse.
type keyboard struct {
	InlineKeyboard [][]keyButton `json:"inline_keyboard"`
}

type keyButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// Send delivers one reply of the engine to its chat: the text as HTML,
// split into parts of at most 4096 characters, the buttons as an inline
// keyboard under the last part. A 429 is waited out (up to MaxRetryWait);
// any other failure is returned, and the engine retries the reply later.
// Telegram has no idempotency key, so a retried multi-part reply resumes
// after the parts already sent.
func (a *Adapter) Send(ctx context.Context, out bots.Outbound) error {
	chatID, err := strconv.ParseInt(out.ConversationKey, 10, 64)
	if err != nil || chatID == 0 {
		return fmt.Errorf("%w: telegram: conversation key %q is not a chat id", bots.ErrUndeliverable, out.ConversationKey)
	}
	parts, plains := fitText(out.Reply)
	var markup *keyboard
	if len(out.Buttons) > 0 {
		markup = &keyboard{}
		for _, btn := range out.Buttons {
			data, err := a.callbackData(ctx, btn.Action)
			if err != nil {
				return err
			}
			label := strings.TrimSpace(btn.Label)
			if label == "" {
				label = btn.Action
			}
			// One button per row: labels are sentences and KB titles.
			markup.InlineKeyboard = append(markup.InlineKeyboard, []keyButton{{Text: label, CallbackData: data}})
		}
		if len(parts) == 0 {
			parts, plains = []string{"👇"}, []string{"👇"} // a keyboard needs a message to hang from
		}
	}
	if len(parts) == 0 {
		return nil
	}
	start := 0
	multi := len(parts) > 1 && out.ExternalID != ""
	if multi {
		if start, err = a.parts.partsSent(ctx, out.ExternalID); err != nil {
			return fmt.Errorf("telegram: read reply progress: %w", err)
		}
	}
	for i := start; i < len(parts); i++ {
		var m *keyboard
		if i == len(parts)-1 {
			m = markup
		}
		if err := a.sendPart(ctx, chatID, parts[i], plains[i], m); err != nil {
			if refusedForGood(err) {
				return fmt.Errorf("%w: %w", bots.ErrUndeliverable, err)
			}
			return err
		}
		if multi {
			// Not recording progress costs at most a repeated part on a
			// later retry; failing the send now would repeat more.
			if err := a.parts.setPartsSent(ctx, out.ExternalID, i+1); err != nil {
				a.log.Warn("record reply progress", "reply", out.ExternalID, "err", err)
			}
		}
	}
	return nil
}

// sendPart sends one message. Should Telegram still refuse our HTML, the
// same text goes out unformatted rather than not at all.
func (a *Adapter) sendPart(ctx context.Context, chatID int64, html, plain string, markup *keyboard) error {
	p := &bot.SendMessageParams{
		ChatID:             chatID,
		Text:               html,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
	}
	if markup != nil {
		p.ReplyMarkup = markup
	}
	send := func(ctx context.Context) error {
		_, err := a.bot.SendMessage(ctx, p)
		return err
	}
	err := a.call(ctx, "sendMessage", send)
	if err != nil && errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "parse entities") {
		a.log.Warn("telegram refused the HTML; sending plain text", "err", err)
		p.Text, p.ParseMode = plain, ""
		err = a.call(ctx, "sendMessage", send)
	}
	return err
}

// say sends one of the adapter's own messages (not part of the engine's
// conversation: nothing to record or retry).
func (a *Adapter) say(ctx context.Context, chatID int64, lang, key string) {
	md := telegramText.T(lang, key)
	if err := a.sendPart(ctx, chatID, renderHTML(md), markup.Render(md, markup.Plain), nil); err != nil {
		a.log.Warn("send notice", "key", key, "err", err)
	}
}

// chosenData is the callback data of the mark left on a prompt once a
// choice is made: pressing it does nothing.
const chosenData = "✓"

// markChosen replaces the pressed prompt's buttons with "✓ <label>": the
// text stays, and the question shows what was answered and cannot be
// answered again. The edit is cosmetic: when it fails (message too old,
// already edited) the engine still refuses a second press.
func (a *Adapter) markChosen(ctx context.Context, chatID, messageID int64, label string) {
	if messageID == 0 || label == "" {
		return
	}
	markup := &keyboard{InlineKeyboard: [][]keyButton{{{Text: "✓ " + label, CallbackData: chosenData}}}}
	err := a.call(ctx, "editMessageReplyMarkup", func(ctx context.Context) error {
		_, err := a.bot.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: int(messageID), ReplyMarkup: markup})
		return err
	})
	if err != nil {
		a.log.Debug("mark the pressed prompt", "message_id", messageID, "err", err)
	}
}

// answerCallback stops the button's spinner; text, when given, shows as
// an alert. A callback redelivered after a failure is too old to answer:
// that error is harmless.
func (a *Adapter) answerCallback(ctx context.Context, id, msg string) {
	err := a.call(ctx, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := a.bot.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: msg, ShowAlert: msg != ""})
		return err
	})
	if err != nil {
		a.log.Debug("answer callback query", "err", err)
	}
}

// refusedForGood tells the Bot API's answers that sending again cannot
// change: 403 (the user blocked the bot, deleted their account, or the bot
// left the group) and 400 (chat not found, message refused as it is).
// 401 and 404 mean a wrong token or server — an administrator's fix, after
// which the queued replies go out — and 429 and 5xx pass: all temporary.
func refusedForGood(err error) bool {
	return errors.Is(err, bot.ErrorForbidden) || errors.Is(err, bot.ErrorBadRequest)
}
