// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"errors"
	"time"
)

// Errors of the engine's input.
var (
	// ErrInvalidInbound is returned for an event missing what every
	// message needs (channel, ids); adapters log and drop it.
	ErrInvalidInbound = errors.New("invalid inbound message")
	// ErrTooLong is returned for a text over MaxTextBytes; adapters tell
	// the user to split it.
	ErrTooLong = errors.New("message too long")
)

// MaxTextBytes is the longest text the engine accepts in one message,
// unless Options.MaxTextBytes says otherwise.
const MaxTextBytes = 16 << 10

// Inbound is one event from a channel, already verified and parsed by its
// adapter. No platform type crosses into the engine.
type Inbound struct {
	Channel         string    // "slack", "telegram", "mattermost", "email", "web", "terminal", "memory"
	ExternalID      string    // the platform's id for this event: unique per channel, stable on redelivery
	ConversationKey string    // where replies go: DM channel, chat id, thread …
	User            User      // who wrote
	Text            string    // what they wrote (empty for a button press)
	Action          string    // the payload of a pressed button, if any
	At              time.Time // when the platform says it happened; zero: now
}

// User is the writer as the channel knows them.
type User struct {
	ID    string // the platform's user id
	Name  string
	Email string // empty when the channel does not give it
	Lang  string // the channel profile's language, "" if unknown
}

func (in *Inbound) validate(maxText int) error {
	in.clean()
	switch {
	case in.Channel == "" || in.ExternalID == "" || in.ConversationKey == "" || in.User.ID == "":
		return ErrInvalidInbound
	case len(in.Text) > maxText:
		return ErrTooLong
	}
	return nil
}

// Reply is one channel-neutral message from the bot (or an agent): text in
// a small Markdown subset (**bold**, *italic*, links), buttons, links and
// media. Adapters render it natively.
type Reply struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons,omitempty"`
	Links   []Link   `json:"links,omitempty"`
	Media   []Media  `json:"media,omitempty"`
	// Auto marks a notice the desk writes by itself in an agent's name
	// (joined, escalated, resolved …): e-mail sends it with
	// Auto-Submitted: auto-generated, as RFC 3834 asks, so autoresponders
	// do not answer it. The bot's own replies are automatic anyway.
	Auto bool `json:"auto,omitempty"`
	// Comment, on an agent's reply, is the ticket comment it is: its
	// delivery is recorded on the ticket (the first-response clock stops
	// only at a delivered reply). Adapters ignore it.
	Comment *CommentRef `json:"comment,omitempty"`
}

// CommentRef names a ticket comment and who wrote it.
type CommentRef struct {
	TicketID  int64  `json:"ticket_id"`
	CommentID int64  `json:"comment_id"`
	Actor     string `json:"actor"`
}

// Button is a choice the user can press; Action comes back in
// Inbound.Action.
type Button struct {
	Label  string `json:"label"`
	Action string `json:"action"`
}

// Link points to a page (a KB entry, a tracking page).
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Media is a video, slide deck or image attached to an answer.
type Media struct {
	Type     string `json:"type"` // video | slides | image
	Title    string `json:"title"`
	URL      string `json:"url"`
	Duration string `json:"duration,omitempty"`
}

// Outbound is a reply addressed to a conversation on a channel.
type Outbound struct {
	MessageID       int64  // the stored message, for delivery bookkeeping
	ExternalID      string // stable id of this reply: adapters may use it to avoid double sends
	Channel         string
	ConversationKey string
	Reply
}
