// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"encoding/json"
	"strings"

	slackgo "github.com/slack-go/slack"
)

// markChosen edits the message whose button was pressed (chat.update):
// the text and its other blocks stay, the action buttons become a line
// "✓ <label>", so the question shows what was answered and cannot be
// answered again. The edit is cosmetic: when it fails the engine still
// refuses a second press.
func (a *Adapter) markChosen(ctx context.Context, p press) {
	if p.MessageTS == "" || p.Label == "" {
		return
	}
	blocks := markedBlocks(p.MessageBlocks, p.Label)
	text := p.MessageText
	if text == "" {
		text = "✓ " + p.Label
	}
	if err := a.sleep(ctx, a.pacer.reserve(p.Channel, a.now())); err != nil {
		return
	}
	_, _, _, err := a.api.UpdateMessageContext(ctx, p.Channel, p.MessageTS,
		slackgo.MsgOptionText(text, false), slackgo.MsgOptionBlocks(blocks...))
	if err != nil {
		a.log.Debug("slack: mark the pressed prompt", "channel", p.Channel, "ts", p.MessageTS, "err", err)
	}
}

// markedBlocks is the message's blocks with every actions block of ours
// (the engine's buttons) replaced by one context line "✓ label"; link
// buttons and everything else stay as they were.
func markedBlocks(raw json.RawMessage, label string) []slackgo.Block {
	var in slackgo.Blocks
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &in); err != nil {
			in = slackgo.Blocks{}
		}
	}
	mark := slackgo.NewContextBlock("", slackgo.NewTextBlockObject(slackgo.MarkdownType, "✓ "+escapeMrkdwn(label), false, false))
	var out []slackgo.Block
	marked := false
	for _, b := range in.BlockSet {
		if ab, ok := b.(*slackgo.ActionBlock); ok && ourButtons(ab) {
			if !marked {
				out = append(out, mark)
				marked = true
			}
			continue
		}
		out = append(out, b)
	}
	if !marked {
		out = append(out, mark)
	}
	return out
}

func ourButtons(ab *slackgo.ActionBlock) bool {
	if ab.Elements == nil {
		return false
	}
	for _, el := range ab.Elements.ElementSet {
		if btn, ok := el.(*slackgo.ButtonBlockElement); ok && strings.HasPrefix(btn.ActionID, actionPrefix) {
			return true
		}
	}
	return false
}

// escapeMrkdwn keeps a label from being read as mrkdwn markup.
func escapeMrkdwn(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
