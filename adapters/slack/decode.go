// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// errMalformed marks a payload that is not what Slack documents: it is
// logged and dropped (and still acknowledged).
var errMalformed = errors.New("malformed slack payload")

// envelopeKind says what an Events API body is.
type envelopeKind int

const (
	kindIgnored         envelopeKind = iota // an event type the desk does not use
	kindURLVerification                     // the one-off handshake of the Request URL
	kindMessage                             // a message or a mention
	kindRateLimited                         // Slack is dropping our events (app_rate_limited)
)

// envelope is the decoded outer body of an Events API request, which is
// also the payload of a Socket Mode "events_api" envelope.
type envelope struct {
	Kind      envelopeKind
	Challenge string
	EventID   string
	Message   message
}

// message is the part of a "message" or "app_mention" event the adapter
// uses.
type message struct {
	Type        string // "message" or "app_mention"
	Subtype     string
	Channel     string
	ChannelType string // "im", "channel", "group", "mpim"; empty in app_mention
	User        string
	BotID       string
	Text        string
	TS          string
	ThreadTS    string
}

type wireEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

type wireMessage struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
}

// decodeEnvelope reads an Events API body. It checks only the shape: who
// may talk to the bot is decided by the adapter.
func decodeEnvelope(body []byte) (envelope, error) {
	var w wireEnvelope
	if err := json.Unmarshal(body, &w); err != nil {
		return envelope{}, fmt.Errorf("%w: %w", errMalformed, err)
	}
	switch w.Type {
	case "url_verification":
		if w.Challenge == "" {
			return envelope{}, fmt.Errorf("%w: url_verification without challenge", errMalformed)
		}
		return envelope{Kind: kindURLVerification, Challenge: w.Challenge}, nil
	case "app_rate_limited":
		return envelope{Kind: kindRateLimited}, nil
	case "event_callback":
	case "":
		return envelope{}, fmt.Errorf("%w: no type", errMalformed)
	default:
		return envelope{Kind: kindIgnored}, nil
	}
	if w.EventID == "" || len(w.Event) == 0 {
		return envelope{}, fmt.Errorf("%w: event_callback without event_id or event", errMalformed)
	}
	var m wireMessage
	if err := json.Unmarshal(w.Event, &m); err != nil {
		return envelope{}, fmt.Errorf("%w: event: %w", errMalformed, err)
	}
	if m.Type != "message" && m.Type != "app_mention" {
		return envelope{Kind: kindIgnored, EventID: w.EventID}, nil
	}
	if m.Channel == "" || !validTS(m.TS) || (m.ThreadTS != "" && !validTS(m.ThreadTS)) {
		return envelope{}, fmt.Errorf("%w: %s event without channel or valid ts", errMalformed, m.Type)
	}
	return envelope{Kind: kindMessage, EventID: w.EventID, Message: message(m)}, nil
}

// press is one button press from a block_actions payload.
type press struct {
	Channel  string
	ThreadTS string // the thread of the message holding the button
	DM       bool
	User     string
	UserName string
	Value    string // the bots.Button Action
	ActionTS string
	// The message holding the button, to mark the choice on it.
	MessageTS     string
	MessageText   string
	MessageBlocks json.RawMessage
	Label         string // the pressed button's text
}

type wireInteraction struct {
	Type string `json:"type"`
	User struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Username string `json:"username"`
	} `json:"user"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Container struct {
		Type      string `json:"type"`
		ChannelID string `json:"channel_id"`
		MessageTS string `json:"message_ts"`
		ThreadTS  string `json:"thread_ts"`
	} `json:"container"`
	Message struct {
		TS       string          `json:"ts"`
		ThreadTS string          `json:"thread_ts"`
		Text     string          `json:"text"`
		Blocks   json.RawMessage `json:"blocks"`
	} `json:"message"`
	Actions []struct {
		ActionID string `json:"action_id"`
		Type     string `json:"type"`
		Value    string `json:"value"`
		URL      string `json:"url"`
		ActionTS string `json:"action_ts"`
		Text     struct {
			Text string `json:"text"`
		} `json:"text"`
	} `json:"actions"`
}

// decodeInteraction reads an interactivity payload (the JSON in the
// "payload" form field, or a Socket Mode "interactive" payload). Only
// presses of our action buttons come back; link buttons, which Slack
// also reports, and other interaction types give nothing.
func decodeInteraction(payload []byte) ([]press, error) {
	var w wireInteraction
	if err := json.Unmarshal(payload, &w); err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	if w.Type == "" {
		return nil, fmt.Errorf("%w: interaction without type", errMalformed)
	}
	if w.Type != "block_actions" {
		return nil, nil
	}
	channel := w.Container.ChannelID
	if channel == "" {
		channel = w.Channel.ID
	}
	thread := w.Message.ThreadTS
	if thread == "" {
		thread = w.Container.ThreadTS
	}
	if w.User.ID == "" || channel == "" || (thread != "" && !validTS(thread)) {
		return nil, fmt.Errorf("%w: block_actions without user or channel", errMalformed)
	}
	name := w.User.Name
	if name == "" {
		name = w.User.Username
	}
	var out []press
	for _, act := range w.Actions {
		if act.Type != "button" || !strings.HasPrefix(act.ActionID, actionPrefix) {
			continue // a link button or someone else's element: nothing to do
		}
		if act.Value == "" || !validTS(act.ActionTS) {
			return nil, fmt.Errorf("%w: button press without value or action_ts", errMalformed)
		}
		ts := w.Container.MessageTS
		if ts == "" {
			ts = w.Message.TS
		}
		out = append(out, press{Channel: channel, ThreadTS: thread, DM: strings.HasPrefix(channel, "D"),
			User: w.User.ID, UserName: name, Value: act.Value, ActionTS: act.ActionTS,
			MessageTS: ts, MessageText: w.Message.Text, MessageBlocks: w.Message.Blocks, Label: act.Text.Text})
	}
	return out, nil
}

// decodeInteractionForm reads the body of an HTTP interactivity request:
// application/x-www-form-urlencoded with the JSON in "payload".
func decodeInteractionForm(body []byte) ([]press, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("%w: form: %w", errMalformed, err)
	}
	p := form.Get("payload")
	if p == "" {
		return nil, fmt.Errorf("%w: no payload field", errMalformed)
	}
	return decodeInteraction([]byte(p))
}

// validTS accepts Slack's message timestamps ("1700000000.000100").
func validTS(ts string) bool {
	sec, frac, _ := strings.Cut(ts, ".")
	if sec == "" || len(ts) > 32 {
		return false
	}
	for _, r := range sec + frac {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// tsTime turns a Slack timestamp into a time; zero when it does not parse
// (the engine then uses its own clock).
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}
	}
	var ns int64
	if frac != "" {
		frac = (frac + "000000000")[:9]
		ns, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.Unix(s, ns).UTC()
}

// slackToken matches Slack's angle-bracket markup: <@U1>, <#C1|name>,
// <!here>, <https://x|label>, <mailto:a@b|a@b>.
var slackToken = regexp.MustCompile(`<([^<>]*)>`)

// plainText turns the text of a Slack message into what the user typed:
// the bot's own mention removed, links and addresses unwrapped, entities
// unescaped. An e-mail address typed by the user arrives as
// <mailto:a@b|a@b> and must reach the engine as a@b.
func plainText(s, botID string) string {
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			id := target[1:]
			if id == botID {
				return ""
			}
			if hasLabel {
				return "@" + strings.TrimPrefix(label, "@")
			}
			return "@" + id
		case strings.HasPrefix(target, "#"):
			if hasLabel {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			if hasLabel {
				return label
			}
			cmd, _, _ := strings.Cut(target[1:], "^")
			return "@" + cmd
		case strings.HasPrefix(target, "mailto:"):
			return strings.TrimPrefix(target, "mailto:")
		case hasLabel:
			return label
		default:
			return target
		}
	})
	return strings.TrimSpace(unescaper.Replace(s))
}

// unescaper undoes the only three entities Slack uses.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// stripLeadingMention removes a mention at the start of an app_mention
// text when the bot's own id is not known yet.
func stripLeadingMention(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "<@") {
		if i := strings.IndexByte(t, '>'); i > 0 {
			return t[i+1:]
		}
	}
	return s
}
