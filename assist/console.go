// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"

	"helpdesk/bots"
	"helpdesk/internal/llm"
	"helpdesk/kb"
)

// Console is the language model as the agents' console uses it: the
// handoff summary, reply suggestions and FAQ drafts (web.Assist). Every
// method answers llm.ErrDisabled on a nil or chat-less client, and the
// client's timeout and budget bound every call.
type Console struct {
	summariser *Summariser
	suggester  *ReplySuggester
	drafter    *FAQDrafter
}

// NewConsole returns the console features on c.
func NewConsole(c *llm.Client) *Console {
	return &Console{summariser: NewSummariser(c), suggester: NewReplySuggester(c), drafter: NewFAQDrafter(c)}
}

// Summarise writes the handoff summary of a conversation for the agent,
// in lang.
func (c *Console) Summarise(ctx context.Context, lang string, sum bots.Summary, turns []Turn) (string, error) {
	return c.summariser.Summarise(ctx, lang, sum, turns)
}

// Suggest drafts a reply in lang grounded in sources, for the agent to
// edit and send.
func (c *Console) Suggest(ctx context.Context, lang string, turns []Turn, sources []Source) (Suggestion, error) {
	return c.suggester.Suggest(ctx, lang, turns, sources)
}

// DraftFAQ proposes a draft FAQ entry from a resolved ticket; the caller
// saves it with SaveDraft.
func (c *Console) DraftFAQ(ctx context.Context, t ResolvedTicket) (kb.Entry, error) {
	return c.drafter.Draft(ctx, t)
}
