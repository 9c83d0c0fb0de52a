// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/json"
	"html"
	"html/template"
	"strconv"
	"strings"

	"helpdesk/bots"
	"helpdesk/bots/markup"
)

// messageView is a message as the conversation's history shows it.
type messageView struct {
	bots.Message
	// HTML is the text to show: the desk's Markdown (the bot's and the
	// agents' replies) rendered and sanitised through bots/markup, the
	// user's words escaped as they wrote them.
	HTML template.HTML
	// Pressed is what the user pressed, in words ("ha premuto «Parla con
	// un operatore»"), for a button press (a message with no text).
	Pressed string
	// Offered are the labels of the buttons a reply showed the user.
	Offered []string
	// Undelivered: an outgoing message whose send failed and is not yet
	// sent (SendError says why).
	Undelivered bool
}

// replyPayload is what an outgoing message's payload holds (bots.Reply).
type replyPayload struct {
	Buttons []bots.Button `json:"buttons"`
}

// messageViews prepares the history for an agent reading in lang: agents'
// messages under their names (the engine records them as "agent:<id>"),
// replies rendered, button presses by the label the user saw.
func (c *Console) messageViews(ctx context.Context, lang string, ms []bots.Message) ([]messageView, error) {
	p, err := c.newPeople(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]messageView, len(ms))
	var shown []bots.Button // the buttons of the replies so far, newest last
	for i, m := range ms {
		if strings.HasPrefix(m.Author, "agent:") {
			m.Author = p.name(lang, m.Author)
		}
		v := messageView{Message: m}
		v.Undelivered = m.Direction == "out" && m.SentAt == nil && m.SendError != ""
		switch {
		case m.Direction == "out":
			v.HTML = template.HTML(markup.Render(m.Body, markup.HTML)) // sanitised by markup
			var r replyPayload
			if len(m.Payload) > 0 && json.Unmarshal(m.Payload, &r) == nil {
				for _, b := range r.Buttons {
					v.Offered = append(v.Offered, b.Label)
				}
				shown = append(shown, r.Buttons...)
			}
		case m.Body == "" && len(m.Payload) > 0:
			var in struct {
				Action string `json:"action"`
			}
			json.Unmarshal(m.Payload, &in) // a payload without an action is a message with no text
			if in.Action != "" {
				v.Pressed = c.pressedLabel(ctx, lang, in.Action, shown)
			}
		default:
			v.HTML = template.HTML(strings.ReplaceAll(html.EscapeString(m.Body), "\n", "<br>"))
		}
		out[i] = v
	}
	return out, nil
}

// pressedLabel names a pressed button: its label as the user saw it on
// the latest reply that offered it, else the engine's label for the
// action, the guide's title for a guide picked, the rating for a vote.
func (c *Console) pressedLabel(ctx context.Context, lang, action string, shown []bots.Button) string {
	t := func(key string, args ...any) string { return Text.T(lang, key, args...) }
	bare := bots.ActionOf(action)
	for i := len(shown) - 1; i >= 0; i-- {
		if shown[i].Action == action && shown[i].Label != "" {
			return t("conv.pressed_label", shown[i].Label)
		}
	}
	for i := len(shown) - 1; i >= 0; i-- {
		if bots.ActionOf(shown[i].Action) == bare && shown[i].Label != "" {
			return t("conv.pressed_label", shown[i].Label)
		}
	}
	if l := bots.ButtonLabel(lang, bare); l != "" {
		return t("conv.pressed_label", l)
	}
	if id, ok := strings.CutPrefix(bare, "pick:"); ok {
		if tried := c.triedEntries(ctx, []string{id}); len(tried) == 1 {
			return t("conv.pick_entry", tried[0].Title)
		}
	}
	if n, ok := strings.CutPrefix(bare, "csat:"); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return t("conv.rating", n)
		}
	}
	return t("conv.pressed_any")
}
