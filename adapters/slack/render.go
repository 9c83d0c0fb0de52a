// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"helpdesk/bots"
	"helpdesk/bots/markup"
)

// Action ids of the buttons we render. A press of an action button comes
// back with its value (the bots.Button Action); presses of link buttons
// are reported by Slack too and ignored by prefix.
const (
	actionPrefix = "hd-act-"
	linkPrefix   = "hd-link-"
)

// Block Kit limits (https://api.slack.com/reference/block-kit).
const (
	maxSectionText   = 3000 // characters of a section's text
	maxButtonText    = 75   // characters of a button label
	maxButtonValue   = 2000 // characters of a button value
	maxButtonURL     = 3000
	maxActionButtons = 25 // elements of one actions block
	maxBlocks        = 50 // blocks of one message
	maxFallbackText  = 4000
	maxText          = 12000 // of a reply's text, beyond which it is cut (the article is a button away)
)

// rendered is a reply ready for chat.postMessage.
type rendered struct {
	Fallback string // the "text" argument: notifications and old clients
	Blocks   []slackgo.Block
}

// render turns a channel-neutral reply into Block Kit: the text in
// mrkdwn sections, action buttons in actions blocks (their value is the
// bots.Button Action) and links and media as link buttons.
func render(r bots.Reply) rendered {
	parts := markup.Blocks(r.Text, markup.Slack)
	if len(r.Links) > 0 {
		// The link buttons lead to the full article: a very long text is
		// cut between blocks rather than filling the message.
		parts, _ = markup.FitBlocks(parts, markup.Slack, maxText, "…")
	}
	var blocks []slackgo.Block
	for _, part := range markup.Split(parts, markup.Slack, maxSectionText) {
		blocks = append(blocks, slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, part, false, false), nil, nil))
	}

	var actions []slackgo.BlockElement
	for i, b := range r.Buttons {
		if b.Action == "" || len(b.Action) > maxButtonValue {
			continue // cannot come back intact: better not to offer it
		}
		actions = append(actions, slackgo.NewButtonBlockElement(fmt.Sprintf("%s%d", actionPrefix, i), b.Action,
			slackgo.NewTextBlockObject(slackgo.PlainTextType, label(b.Label), true, false)))
	}
	var links []slackgo.BlockElement
	var loose []string // links Slack would refuse as buttons, shown as text
	addLink := func(l, u string) {
		if !absoluteURL(u) || len(u) > maxButtonURL {
			if u != "" {
				loose = append(loose, fmt.Sprintf("%s: %s", escape(l), escape(u)))
			}
			return
		}
		links = append(links, slackgo.NewButtonBlockElement(fmt.Sprintf("%s%d", linkPrefix, len(links)), "",
			slackgo.NewTextBlockObject(slackgo.PlainTextType, label(l), true, false)).WithURL(u))
	}
	for _, l := range r.Links {
		addLink(l.Label, l.URL)
	}
	for _, m := range r.Media {
		t := m.Title
		if m.Duration != "" {
			t += " (" + m.Duration + ")"
		}
		addLink(t, m.URL)
	}
	if len(loose) > 0 {
		blocks = append(blocks, slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType,
			truncate(strings.Join(loose, "\n"), maxSectionText), false, false), nil, nil))
	}
	// Keep room for the buttons: the text gives way first.
	nButtonBlocks := (len(actions)+maxActionButtons-1)/maxActionButtons + (len(links)+maxActionButtons-1)/maxActionButtons
	if len(blocks) > maxBlocks-nButtonBlocks {
		blocks = blocks[:maxBlocks-nButtonBlocks]
	}
	for _, group := range [][]slackgo.BlockElement{actions, links} {
		for len(group) > 0 {
			n := min(len(group), maxActionButtons)
			blocks = append(blocks, slackgo.NewActionBlock("", group[:n]...))
			group = group[n:]
		}
	}
	return rendered{Fallback: truncate(fallback(r.Text), maxFallbackText), Blocks: blocks}
}

// mrkdwn is s in Slack mrkdwn (bots/markup, the one renderer of every
// channel): &, < and > escaped, so user text echoed back cannot form a
// mention or a link.
func mrkdwn(s string) string { return markup.Render(s, markup.Slack) }

// fallback is the notification text: the reply without markup.
func fallback(s string) string { return escape(markup.Render(s, markup.Plain)) }

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func absoluteURL(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

// label fits a button label into Slack's limit; an empty one would be
// refused.
func label(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		s = "…"
	}
	return truncate(s, maxButtonText)
}

// truncate cuts s to at most n characters, ending in "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
