// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"helpdesk/bots"
)

// The Bot API's update, reduced to what the adapter reads. The library's
// models would do as well, but a small struct of our own keeps the decoder
// of outside input fully in our hands (and fuzzed): a field Telegram adds
// or reshapes cannot change how we read the few we use.
type update struct {
	UpdateID      int64          `json:"update_id"`
	Message       *message       `json:"message"`
	CallbackQuery *callbackQuery `json:"callback_query"`
}

type message struct {
	MessageID   int64         `json:"message_id"`
	From        *user         `json:"from"`
	Chat        chat          `json:"chat"`
	Date        int64         `json:"date"`
	Text        string        `json:"text"`
	Caption     string        `json:"caption"`
	ReplyMarkup *inlineMarkup `json:"reply_markup"` // a bot message's buttons, in a callback query
}

// inlineMarkup is a message's inline keyboard.
type inlineMarkup struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

type user struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Username     string `json:"username"`
	LanguageCode string `json:"language_code"`
}

type chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"` // private | group | supergroup | channel
}

type callbackQuery struct {
	ID      string   `json:"id"`
	From    user     `json:"from"`
	Message *message `json:"message"` // may be an inaccessible message (date 0)
	Data    string   `json:"data"`
}

// errMalformed marks an update the adapter cannot use; it is logged and
// dropped (and, when polling, confirmed so it is not fetched again).
var errMalformed = errors.New("telegram: malformed update")

// decodeUpdate parses one update as the Bot API sends it (a getUpdates
// result element or a webhook body). It checks only what every update
// needs; whether the adapter acts on it is decided by event.
func decodeUpdate(raw []byte) (update, error) {
	var u update
	if err := json.Unmarshal(raw, &u); err != nil {
		return update{}, fmt.Errorf("%w: %w", errMalformed, err)
	}
	if u.UpdateID <= 0 {
		return update{}, fmt.Errorf("%w: no update_id", errMalformed)
	}
	return u, nil
}

// kind says what the adapter does with an update.
type kind int

const (
	kindIgnore    kind = iota // not for us (groups, edits, other update types): confirmed, nothing sent
	kindInbound               // goes to the engine
	kindNotText               // a private message without text: told, locally, to write text
	kindGroup                 // a message in a group: told, locally, to write privately
	kindMalformed             // unusable although it has an update_id
)

// event is an update translated for the engine, plus what the adapter
// needs to finish handling it (the callback to answer, the user's
// language for local replies).
type event struct {
	kind       kind
	in         bots.Inbound
	callbackID string // non-empty for a button press: must be answered
	data       string // the raw callback_data (an action or a mapped key)
	pressed    int64  // the message whose button was pressed (0: not shown in the update)
	label      string // the pressed button's text, when the update shows the keyboard
	command    string // "/start" … when the message is a bot command
	lang       string // the user's language for the adapter's own replies
	chatID     int64
	reason     string // why an update is ignored or malformed (for the log)
}

// channel is the engine's name for this adapter's conversations.
const channel = "telegram"

// event translates a decoded update. botID prefixes external ids, see
// messageID.
func (u update) event(botID int64) event {
	switch {
	case u.Message != nil:
		return u.messageEvent(botID)
	case u.CallbackQuery != nil:
		return u.callbackEvent(botID)
	}
	return event{kind: kindIgnore, reason: "update type not handled"}
}

func (u update) messageEvent(botID int64) event {
	m := u.Message
	switch {
	case m.From == nil || m.From.ID == 0 || m.Chat.ID == 0 || m.MessageID == 0:
		return event{kind: kindMalformed, reason: "message without sender, chat or id"}
	case m.From.IsBot:
		return event{kind: kindIgnore, reason: "message from a bot"}
	}
	ev := event{chatID: m.Chat.ID, lang: userLang(m.From.LanguageCode)}
	if m.Chat.Type != "private" {
		ev.kind, ev.reason = kindIgnore, "not a private chat"
		if strings.HasPrefix(m.Text, "/") {
			// Someone addressed the bot in a group: say where it works.
			ev.kind = kindGroup
		}
		return ev
	}
	txt := m.Text
	if txt == "" {
		txt = m.Caption
	}
	if strings.TrimSpace(txt) == "" {
		ev.kind = kindNotText
		return ev
	}
	if !utf8.ValidString(txt) {
		return event{kind: kindMalformed, reason: "text is not UTF-8"}
	}
	ev.kind = kindInbound
	ev.in = bots.Inbound{
		Channel:         channel,
		ExternalID:      messageID(botID, m.Chat.ID, m.MessageID),
		ConversationKey: strconv.FormatInt(m.Chat.ID, 10),
		User:            toUser(m.From),
		Text:            txt,
		At:              unixTime(m.Date),
	}
	if cmd, arg, ok := parseCommand(m.Text); ok {
		ev.command = cmd
		ev.in.Text, ev.in.Action = commandInbound(cmd, arg, txt)
	}
	return ev
}

func (u update) callbackEvent(botID int64) event {
	q := u.CallbackQuery
	if q.ID == "" || q.From.ID == 0 {
		return event{kind: kindMalformed, reason: "callback query without id or sender"}
	}
	ev := event{callbackID: q.ID, data: q.Data, lang: userLang(q.From.LanguageCode)}
	// In a private chat the chat id is the user's id, so a button on a
	// message too old to be shown (no chat in the update) still routes.
	ev.chatID = q.From.ID
	if q.Message != nil && q.Message.Chat.ID != 0 {
		if q.Message.Chat.Type != "" && q.Message.Chat.Type != "private" {
			ev.kind, ev.reason = kindIgnore, "button in a group"
			return ev
		}
		ev.chatID = q.Message.Chat.ID
		ev.pressed = q.Message.MessageID
		if q.Message.ReplyMarkup != nil {
			for _, row := range q.Message.ReplyMarkup.InlineKeyboard {
				for _, b := range row {
					if b.CallbackData == q.Data {
						ev.label = b.Text
					}
				}
			}
		}
	}
	if q.Data == "" {
		ev.kind, ev.reason = kindIgnore, "callback without data"
		return ev
	}
	ev.kind = kindInbound
	ev.in = bots.Inbound{
		Channel:         channel,
		ExternalID:      callbackExternalID(botID, q.ID),
		ConversationKey: strconv.FormatInt(ev.chatID, 10),
		User:            toUser(&q.From),
	}
	return ev
}

// messageID is the engine's ExternalID of a message: bot, chat and
// message id. Why not update_id? It is per bot and stable on redelivery
// too, but Telegram restarts it at a random value after a week without
// updates, so an old id can come back and a new message would be taken
// for a duplicate and silently dropped. A message id is unique in its
// chat for ever, is the same whether the update arrives by polling or by
// webhook, and the bot id keeps two bots (or a replaced token) apart.
func messageID(botID, chatID, msgID int64) string {
	return fmt.Sprintf("tg:%d:m:%d:%d", botID, chatID, msgID)
}

// callbackExternalID: a callback query's id is unique across Telegram and
// redelivered unchanged.
func callbackExternalID(botID int64, id string) string {
	return fmt.Sprintf("tg:%d:cb:%s", botID, id)
}

func toUser(u *user) bots.User {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.Username
	}
	return bots.User{ID: strconv.FormatInt(u.ID, 10), Name: name, Lang: profileLang(u.LanguageCode)}
}

// userLang is the language of the adapter's own replies: the profile's,
// Italian when unknown (as the catalog does).
func userLang(code string) string {
	if l := profileLang(code); l != "" {
		return l
	}
	return "it"
}

func unixTime(sec int64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}
