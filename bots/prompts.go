// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
)

// A button belongs to the prompt it was offered with. Every button the
// engine sends carries its prompt's number after a '#' ("fb:no#1x3"): the
// id of the inbound message that made the bot ask (an agent's operation
// takes a number from the same sequence). The conversation remembers the
// live prompt (dialogue.Prompt); a press on an older prompt, or a second
// press on the same one, changes nothing and is told "this choice is no
// longer valid". Actions without a number are channel commands (/help,
// /status …) and always apply.

// promptSep separates an action from its prompt's number. Engine actions
// never contain it.
const promptSep = "#"

// stampPrompt numbers the buttons of replies with prompt and reports
// whether there were any.
func stampPrompt(replies []Reply, prompt int64) bool {
	stamped := false
	suffix := promptSep + strconv.FormatInt(prompt, 36)
	for i := range replies {
		if len(replies[i].Buttons) == 0 {
			continue
		}
		bs := make([]Button, len(replies[i].Buttons))
		for j, b := range replies[i].Buttons {
			b.Action += suffix
			bs[j] = b
		}
		replies[i].Buttons = bs
		stamped = true
	}
	return stamped
}

// splitPrompt separates a pressed action from its prompt's number;
// stamped is false for a channel command.
func splitPrompt(action string) (bare string, prompt int64, stamped bool) {
	i := strings.LastIndex(action, promptSep)
	if i < 0 {
		return action, 0, false
	}
	n, err := strconv.ParseInt(action[i+1:], 36, 64)
	if err != nil || n <= 0 {
		return action, 0, false
	}
	return action[:i], n, true
}

// ActionOf returns the engine action of a pressed button without its
// prompt's number (adapters compare actions with it).
func ActionOf(action string) string {
	a, _, _ := splitPrompt(action)
	return a
}

// settlePrompt records which prompt is live after a turn: the one just
// offered when the replies have buttons, none when the bot said something
// else, the previous one when the bot said nothing.
func settlePrompt(dlg *dialogue, replies []Reply, prompt, previous int64) {
	switch {
	case stampPrompt(replies, prompt):
		dlg.Prompt = prompt
	case len(replies) > 0:
		dlg.Prompt = 0
	default:
		dlg.Prompt = previous
	}
}

// settleAgentPrompt is settlePrompt for an agent's operation, whose
// conversation context is stored as JSON.
func (e *Engine) settleAgentPrompt(ctx context.Context, t *agentTurn) error {
	if len(t.replies) == 0 {
		return nil
	}
	var d dialogue
	if len(t.conv.Context) > 0 {
		_ = json.Unmarshal(t.conv.Context, &d) // unreadable: a fresh dialogue
	}
	var prompt int64
	for _, r := range t.replies {
		if len(r.Buttons) > 0 {
			if err := t.tx.GetContext(ctx, &prompt, e.store.q.NextPrompt); err != nil {
				return err
			}
			break
		}
	}
	settlePrompt(&d, t.replies, prompt, d.Prompt)
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	t.conv.Context = b
	return nil
}

// buttonKeys are the catalogue keys of the engine's fixed buttons.
var buttonKeys = map[string]string{
	actFAQ: "btn.faq", actTicket: "btn.ticket", actTrack: "btn.track", actHuman: "btn.human",
	actSolved: "btn.solved", actUnsolved: "btn.unsolved", actNone: "btn.none", actSkip: "btn.skip",
	actDontKnow: "btn.dontknow", actCancel: "btn.cancel",
}

// ButtonLabel is the label, in lang, of the engine's button for action
// (with or without its prompt's number): what the user saw on the button
// they pressed. It is "" for actions whose label is not fixed (a guide
// picked, a rating) or unknown: the console names those itself.
func ButtonLabel(lang, action string) string {
	if key, ok := buttonKeys[ActionOf(action)]; ok {
		return botText.T(lang, key)
	}
	return ""
}
