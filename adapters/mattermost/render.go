package mattermost

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
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
	b.WriteString(toMarkdown(r.Text))
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
		p.AddProp(model.PostPropsAttachments, []*model.SlackAttachment{{
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
		fmt.Fprintf(&b, "\n_%s · %s_", msgs.T("it", "choices.hint"), msgs.T("en", "choices.hint"))
		p.AddProp(choicesProp, choices)
	}
	p.Message = truncateRunes(b.String(), maxMessageRunes)
	return p
}

// bold matches the engine's *bold*, which Mattermost reads as italics.
var bold = regexp.MustCompile(`(^|[^*\\\w])\*([^*\s\n](?:[^*\n]*[^*\s\n])?)\*($|[^*\w])`)

// linkTarget matches the "](url)" part of a Markdown link, which is left
// as it is.
var linkTarget = regexp.MustCompile(`\]\([^)\s]*\)`)

// toMarkdown turns the engine's Markdown subset (*bold*, _italic_,
// [links](url)) into Mattermost's (**bold**, _italic_, [links](url)).
func toMarkdown(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range linkTarget.FindAllStringIndex(s, -1) {
		b.WriteString(boldSpans(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(boldSpans(s[last:]))
	return b.String()
}

func boldSpans(s string) string {
	// Adjacent spans share a delimiter character, so repeat until stable
	// (each pass only turns *x* into **x**, which the pattern no longer
	// matches).
	for range 4 {
		next := bold.ReplaceAllString(s, "${1}**${2}**${3}")
		if next == s {
			break
		}
		s = next
	}
	return s
}

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
