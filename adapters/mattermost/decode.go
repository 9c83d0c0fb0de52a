// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// errMalformed marks an event that cannot be read; it is logged and dropped.
var errMalformed = errors.New("malformed event")

// posted is what the adapter reads of a "posted" WebSocket event.
type posted struct {
	post        *model.Post
	channelType string   // "D" direct, "G" group, "O" public, "P" private
	mentions    []string // user ids the post mentions
	senderName  string   // "@username" of the writer
}

// decodePosted reads the data of a "posted" event. The post itself is a
// JSON string inside the event's data and is decoded a second time. Ids
// are checked to be Mattermost ids, because they become parts of
// conversation keys.
func decodePosted(data map[string]any) (posted, error) {
	p := posted{post: &model.Post{}}
	raw, ok := data["post"].(string)
	if !ok {
		return p, fmt.Errorf("%w: data.post is not a string", errMalformed)
	}
	if err := json.Unmarshal([]byte(raw), p.post); err != nil {
		return p, fmt.Errorf("%w: data.post: %v", errMalformed, err)
	}
	switch {
	case !model.IsValidId(p.post.Id):
		return p, fmt.Errorf("%w: post id %q", errMalformed, p.post.Id)
	case !model.IsValidId(p.post.UserId):
		return p, fmt.Errorf("%w: user id %q", errMalformed, p.post.UserId)
	case !model.IsValidId(p.post.ChannelId):
		return p, fmt.Errorf("%w: channel id %q", errMalformed, p.post.ChannelId)
	case p.post.RootId != "" && !model.IsValidId(p.post.RootId):
		return p, fmt.Errorf("%w: root id %q", errMalformed, p.post.RootId)
	}
	if v, present := data["channel_type"]; present {
		if p.channelType, ok = v.(string); !ok {
			return p, fmt.Errorf("%w: channel_type is not a string", errMalformed)
		}
	}
	if v, present := data["sender_name"]; present {
		if p.senderName, ok = v.(string); !ok {
			return p, fmt.Errorf("%w: sender_name is not a string", errMalformed)
		}
	}
	if v, present := data["mentions"]; present {
		s, ok := v.(string)
		if !ok {
			return p, fmt.Errorf("%w: mentions is not a string", errMalformed)
		}
		if err := json.Unmarshal([]byte(s), &p.mentions); err != nil {
			return p, fmt.Errorf("%w: mentions: %v", errMalformed, err)
		}
	}
	return p, nil
}

// fromIntegration says whether a post was written by a bot, a webhook or
// a plugin: answering those could start a loop between two bots.
func fromIntegration(p *model.Post) bool {
	for _, k := range []string{model.PostPropsFromBot, model.PostPropsFromWebhook, model.PostPropsFromPlugin} {
		switch v := p.GetProp(k).(type) {
		case bool:
			if v {
				return true
			}
		case string:
			if v == "true" {
				return true
			}
		}
	}
	return false
}

// stripMention removes "@botname" from a message, wherever it is.
func stripMention(msg, username string) string {
	if username == "" {
		return strings.TrimSpace(msg)
	}
	mention := "@" + strings.ToLower(username)
	var b strings.Builder
	i := 0
	for i < len(msg) {
		end := i + len(mention)
		// "@helpdesk2" is another user: only strip at a word boundary.
		if end <= len(msg) && asciiFoldEqual(msg[i:end], mention) && (end == len(msg) || !isNameByte(msg[end])) {
			i = end
			continue
		}
		b.WriteByte(msg[i])
		i++
	}
	return strings.TrimSpace(b.String())
}

// asciiFoldEqual compares s with a lower-case ASCII want, ignoring ASCII
// case; byte positions stay those of s.
func asciiFoldEqual(s, want string) bool {
	if len(s) != len(want) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != want[i] {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

// Conversation keys: one conversation per user in direct messages, one per
// thread in channels. Ids never contain ':'.
func dmKey(userID string) string                { return "dm:" + userID }
func threadKey(channelID, rootID string) string { return "th:" + channelID + ":" + rootID }

// parseKey returns the user id of a direct-message key, or the channel and
// root of a thread key.
func parseKey(key string) (userID, channelID, rootID string, err error) {
	parts := strings.Split(key, ":")
	switch {
	case len(parts) == 2 && parts[0] == "dm" && model.IsValidId(parts[1]):
		return parts[1], "", "", nil
	case len(parts) == 3 && parts[0] == "th" && model.IsValidId(parts[1]) && model.IsValidId(parts[2]):
		return "", parts[1], parts[2], nil
	}
	return "", "", "", fmt.Errorf("%w: %q is not dm:<user> or th:<channel>:<root>", errBadKey, key)
}

// errBadKey is a conversation key that names no Mattermost conversation.
var errBadKey = errors.New("mattermost: bad conversation key")
