// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"strings"
	"unicode/utf8"
)

// CleanText makes text from outside storable and readable before anything
// records it: NUL bytes are removed (PostgreSQL's text type refuses them,
// and the failed insert would lose the message after the platform was told
// it arrived) and bytes that are not UTF-8 become U+FFFD. Every edge that
// takes text from people — the adapters, the web chat and form, the REST
// API, the console's filters — passes it through this one function, and
// the engine applies it again to whatever reaches Handle.
func CleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// clean applies CleanText to every text field of the event, so that no
// channel can bring a byte the store refuses.
func (in *Inbound) clean() {
	for _, p := range []*string{&in.Channel, &in.ExternalID, &in.ConversationKey, &in.Text, &in.Action,
		&in.User.ID, &in.User.Name, &in.User.Email, &in.User.Lang} {
		*p = CleanText(*p)
	}
}

// clean applies CleanText to every text field of the mail.
func (m *Mail) clean() {
	for _, p := range []*string{&m.MessageID, &m.FromName, &m.FromAddress, &m.Subject, &m.Text, &m.Lang} {
		*p = CleanText(*p)
	}
	for i := range m.References {
		m.References[i] = CleanText(m.References[i])
	}
}
