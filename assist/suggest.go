// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"helpdesk/internal/llm"
	"helpdesk/kb"
)

// Suggestion is a reply an agent may edit and send. Text keeps no
// citation markers; Cited lists the entries it rests on.
type Suggestion struct {
	Text  string
	Cited []Citation
}

// ReplySuggester drafts replies for the agent's console ("reply
// suggestions" button). The agent reads, edits and sends: nothing reaches
// the user by itself.
type ReplySuggester struct {
	client *llm.Client
}

// NewReplySuggester returns a ReplySuggester on c (nil-safe).
func NewReplySuggester(c *llm.Client) *ReplySuggester { return &ReplySuggester{client: c} }

const suggestRules = `You draft a reply for a help-desk agent to send to a user, in %s, polite and short ` +
	`(at most five sentences), from the knowledge-base entries and the conversation given as data. ` +
	`Cite every entry you use as [ENTRY-ID@REVISION] with the id and revision shown in its header. ` +
	`If the entries do not help, reply exactly NO_ANSWER.`

// SourcesFromHits turns search hits into sources. Pass hits of a public
// search (kb.Query{Audience: kb.AudiencePublic}): the reply goes to the
// user, so internal entries must not shape it.
func SourcesFromHits(hits []kb.Hit) []Source {
	out := make([]Source, len(hits))
	for i, h := range hits {
		out[i] = Source{ID: h.EntryID, Revision: h.Revision, Title: h.Title, Text: h.Passage}
	}
	return out
}

// Suggest drafts one grounded reply. Like user answers, a draft that cites
// nothing or anything it was not given is refused (ErrUngrounded), so the
// console shows no suggestion rather than an invented one.
func (r *ReplySuggester) Suggest(ctx context.Context, lang string, turns []Turn, sources []Source) (Suggestion, error) {
	if r == nil || !r.client.CanChat() {
		return Suggestion{}, llm.ErrDisabled
	}
	if len(sources) == 0 {
		return Suggestion{}, fmt.Errorf("%w: no entries to ground a reply", ErrUngrounded)
	}
	env := newEnvelope()
	for _, s := range sources {
		env.add("ENTRY", " id="+s.ID+" revision="+strconv.Itoa(s.Revision), s.Title+"\n"+s.Text)
	}
	env.add("CONVERSATION", "", transcript(r.client, turns))
	system := fmt.Sprintf(suggestRules, languageName(lang)) + " " + env.dataRule()
	out, err := r.client.Chat(ctx, system, env.String())
	if err != nil {
		return Suggestion{}, err
	}
	cited, _ := citations(out)
	text, _, err := checkAnswer(out, system, env.boundary, sources)
	if err != nil {
		return Suggestion{}, err
	}
	return Suggestion{Text: strings.TrimSpace(text), Cited: cited}, nil
}
