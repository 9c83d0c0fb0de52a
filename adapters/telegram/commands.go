// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Engine actions the commands map to. They mirror the actions of the
// engine's own menu buttons (bots keeps them unexported); "menu:help" has
// no button and gets the engine's fall-back answer: what the bot can do,
// with the menu.
const (
	actionHelp   = "menu:help"
	actionTicket = "menu:ticket"
	actionTrack  = "menu:track"
)

// commands are registered with setMyCommands, in this order.
var commands = []string{"start", "help", "ticket", "status"}

// parseCommand splits "/status@DeskBot HD-2026-000123" into "/status" and
// "HD-2026-000123". Only a leading bot command counts.
func parseCommand(s string) (cmd, arg string, ok bool) {
	if !strings.HasPrefix(s, "/") || len(s) < 2 {
		return "", "", false
	}
	head, arg, _ := strings.Cut(s, " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		arg = head[i+1:] + " " + arg
		head = head[:i]
	}
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(arg), true
}

// commandInbound says what a command means to the engine: a text, an
// action, or both. Unknown commands go through as text.
func commandInbound(cmd, arg, text string) (string, string) {
	switch cmd {
	case "/start", "/help":
		// /start may carry a deep-link payload; the desk has no use for it.
		return "", actionHelp
	case "/ticket":
		return "", actionTicket
	case "/status":
		if arg != "" {
			// The engine reads a ticket number in any step of the dialogue.
			return arg, ""
		}
		return "", actionTrack
	}
	return text, ""
}

// registerCommands publishes the command menu: the Italian descriptions as
// the default (the desk's first language) and one list per language.
func (a *Adapter) registerCommands(ctx context.Context) error {
	for _, lang := range []string{"", "it", "en"} {
		l := lang
		if l == "" {
			l = "it"
		}
		var cs []models.BotCommand
		for _, c := range commands {
			cs = append(cs, models.BotCommand{Command: c, Description: telegramText.T(l, "cmd."+c)})
		}
		err := a.call(ctx, "setMyCommands", func(ctx context.Context) error {
			_, err := a.bot.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cs, LanguageCode: lang})
			return err
		})
		if err != nil {
			return fmt.Errorf("telegram: setMyCommands (%q): %w", lang, err)
		}
	}
	return nil
}
