// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"

	"helpdesk/kb"
)

// kbLinkPattern finds the knowledge-base entries a text links to: the help
// centre's /help/a/{id} and the bot's /kb/{id} (the form BaseURL builds).
var kbLinkPattern = regexp.MustCompile(`/(?:help/a|kb)/([a-z0-9][a-z0-9._-]*[a-z0-9])`)

// linkedEntries returns the entry ids text links to, once each.
func linkedEntries(text string) []string {
	var out []string
	for _, m := range kbLinkPattern.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// confirmLinked records an agent's choice of knowledge-base entries: a
// reply or a resolution that links an entry confirms it for the
// requester's question (source kb.ConfirmAgent or kb.ConfirmTicket). It
// never fails the agent's action: a problem is logged.
func (c *Console) confirmLinked(ctx context.Context, text, query, lang, source, who string) {
	if query == "" || c.kb == nil {
		return
	}
	for _, id := range linkedEntries(text) {
		if _, err := c.kb.Confirm(ctx, kb.Confirmation{Query: query, Lang: lang, Entry: id}, source, who); err != nil {
			c.log.Warn("record confirmation", "entry", id, "source", source, "err", err)
		}
	}
}

// conversationQuery is the requester's question as the bot kept it (the
// dialogue's "query" in the conversation's context), or "".
func conversationQuery(raw []byte) string {
	var d struct {
		Query string `json:"query"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil {
		return ""
	}
	return d.Query
}
