// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/bots/markup"
)

// Keys of the button context the callback reads back. The context is
// stored with the post on the server and never shown to clients.
const (
	ctxAction = "action"
	ctxLabel  = "label"
	ctxKey    = "key"
	ctxSecret = "secret"
)

// choicesProp is the post property holding the actions of numbered
// choices, in order: the post itself remembers what "2" means, so the
// mapping survives a restart and is shared by every instance.
const choicesProp = "helpdesk_choices"

// maxChoices bounds the numbers read as choices.
const maxChoices = 20

// maxMessageRunes keeps a post under the server's limit (16383 runes).
const maxMessageRunes = 16000

// render builds the post for a reply: the text in Mattermost Markdown,
// links and media as lines, buttons as interactive attachments when a
// callback URL is configured, as numbered choices otherwise.
func (a *Adapter) render(r bots.Reply, key string) *model.Post {
	var b strings.Builder
	// Room for the links and choices after the text: a very long text is
	// cut between blocks, and the links (the full article) still follow.
	body, _ := markup.Fit(markup.Blocks(r.Text, markup.Mattermost), markup.Mattermost, maxMessageRunes-1000, "…")
	b.WriteString(body)
	if len(r.Links) > 0 || len(r.Media) > 0 {
		b.WriteString("\n")
	}
	for _, l := range r.Links {
		fmt.Fprintf(&b, "\n→ [%s](%s)", escapeLabel(l.Label), l.URL)
	}
	for _, m := range r.Media {
		fmt.Fprintf(&b, "\n%s [%s](%s)", mediaIcon(m.Type), escapeLabel(m.Title), m.URL)
		if m.Duration != "" {
			fmt.Fprintf(&b, " · %s", m.Duration)
		}
	}
	p := &model.Post{}
	if len(r.Buttons) > 0 && a.cfg.CallbackURL != "" {
		actions := make([]*model.PostAction, 0, len(r.Buttons))
		labels := make([]string, 0, len(r.Buttons))
		for i, btn := range r.Buttons {
			style := "default"
			if i == 0 {
				style = "primary"
			}
			actions = append(actions, &model.PostAction{
				Id: fmt.Sprintf("hd%d", i), Type: model.PostActionTypeButton, Name: btn.Label, Style: style,
				Integration: &model.PostActionIntegration{URL: a.cfg.CallbackURL, Context: map[string]any{
					ctxAction: btn.Action, ctxLabel: btn.Label, ctxKey: key, ctxSecret: a.cfg.ActionSecret,
				}},
			})
			labels = append(labels, btn.Label)
		}
		p.AddProp(model.PostPropsAttachments, []*model.MessageAttachment{{
			Fallback: strings.Join(labels, " / "), Actions: actions,
		}})
	} else if len(r.Buttons) > 0 {
		n := min(len(r.Buttons), maxChoices)
		b.WriteString("\n")
		choices := make([]any, 0, n)
		for i, btn := range r.Buttons[:n] {
			fmt.Fprintf(&b, "\n**%d.** %s", i+1, escapeLabel(btn.Label))
			choices = append(choices, btn.Action)
		}
		fmt.Fprintf(&b, "\n_%s · %s_", mattermostText.T("it", "choices.hint"), mattermostText.T("en", "choices.hint"))
		p.AddProp(choicesProp, choices)
	}
	p.Message = truncateRunes(b.String(), maxMessageRunes)
	return p
}

// toMarkdown is s in Mattermost's Markdown (bots/markup, the one renderer
// of every channel): **bold** for the desk's *bold*, tables as "Label:
// value" lines, literal stars and underscores escaped.
func toMarkdown(s string) string { return markup.Render(s, markup.Mattermost) }

// escapeLabel keeps a label from breaking the Markdown link or list it
// sits in.
func escapeLabel(s string) string {
	return strings.NewReplacer("[", "\\[", "]", "\\]", "*", "\\*", "_", "\\_", "\n", " ").Replace(s)
}

func mediaIcon(kind string) string {
	switch kind {
	case "video":
		return "🎬"
	case "slides":
		return "📑"
	case "image":
		return "🖼"
	}
	return "📎"
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// propChoices reads the numbered choices a post carries.
func propChoices(p *model.Post) []string {
	raw, ok := p.GetProp(choicesProp).([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil
		}
		out = append(out, s)
	}
	return out
}
