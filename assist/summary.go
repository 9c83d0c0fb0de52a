// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"fmt"
	"strings"

	"helpdesk/bots"
	"helpdesk/internal/llm"
)

// Turn is one message of a conversation as the model sees it.
type Turn struct {
	From string // "user", "bot" or "agent"
	Text string
}

// TurnsFromMessages converts a conversation's messages (oldest first):
// incoming ones are the user's, outgoing ones the bot's or an agent's.
func TurnsFromMessages(msgs []bots.Message) []Turn {
	out := make([]Turn, 0, len(msgs))
	for _, m := range msgs {
		from := "user"
		if m.Direction == "out" {
			from = "bot"
			if m.Author != "bot" {
				from = "agent"
			}
		}
		if strings.TrimSpace(m.Body) != "" {
			out = append(out, Turn{From: from, Text: m.Body})
		}
	}
	return out
}

// maxTurns keeps prompts short: the last turns tell most.
const maxTurns = 30

// Summariser writes the handoff summary an agent reads before taking a
// conversation over. Its output is for agents only.
type Summariser struct {
	client *llm.Client
}

// NewSummariser returns a Summariser on c (nil-safe: Summarise then
// answers llm.ErrDisabled and the console shows bots.SummaryOf alone).
func NewSummariser(c *llm.Client) *Summariser { return &Summariser{client: c} }

const summaryRules = `You help a help-desk agent take over a conversation. From the handoff data and the ` +
	`conversation given as data, write in %s at most four short lines: the problem, what was already tried ` +
	`(knowledge-base entries shown), urgency and impact with their reasons, what the user still needs. ` +
	`Plain text, no greetings. Do not invent facts.`

// Summarise returns a short summary of the conversation for the agent.
func (s *Summariser) Summarise(ctx context.Context, lang string, sum bots.Summary, turns []Turn) (string, error) {
	if s == nil || !s.client.CanChat() {
		return "", llm.ErrDisabled
	}
	env := newEnvelope()
	var h strings.Builder
	fmt.Fprintf(&h, "first request: %s\nreason for handoff: %s\nentries shown: %s\nurgency: %s, impact: %s, type: %s\nwhy: %s",
		s.client.Mask(sum.Query), sum.Reason, strings.Join(sum.Tried, ", "), sum.Urgency, sum.Impact, sum.Type, strings.Join(sum.Why, "; "))
	env.add("HANDOFF", "", h.String())
	env.add("CONVERSATION", "", transcript(s.client, turns))
	system := fmt.Sprintf(summaryRules, languageName(lang)) + " " + env.dataRule()
	data := env.String()
	out, err := s.client.Chat(ctx, system, data)
	if err != nil {
		return "", err
	}
	// Ticket numbers the conversation mentions may be repeated; others not.
	if err := checkLeaks(out, system, data, env.boundary); err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// transcript renders the last turns, user text masked as configured.
func transcript(c *llm.Client, turns []Turn) string {
	if len(turns) > maxTurns {
		turns = turns[len(turns)-maxTurns:]
	}
	var b strings.Builder
	for _, t := range turns {
		text := t.Text
		if t.From == "user" {
			text = c.Mask(text)
		}
		fmt.Fprintf(&b, "%s: %s\n", t.From, strings.ReplaceAll(strings.TrimSpace(text), "\n", " "))
	}
	return b.String()
}
