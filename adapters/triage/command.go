// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strconv"
	"strings"
	"unicode"
)

// Verb is what an agent's message in a triage thread asks for.
type Verb string

// The thread commands. Anything that is not a command is a reply to the
// user.
const (
	VerbReply    Verb = "reply"    // the text goes to the user
	VerbNote     Verb = "note"     // internal note, never sent to the user
	VerbTake     Verb = "take"     // take the conversation
	VerbEscalate Verb = "escalate" // to level 2, with an optional reason
	VerbRoute    Verb = "route"    // to an external organisation: ORG [email]
	VerbResolve  Verb = "resolve"  // CODE [note]
	VerbHandBack Verb = "handback" // back to the bot
)

// Command is one parsed thread message.
type Command struct {
	Verb Verb
	// Text is the reply or note (VerbReply, VerbNote), the reason
	// (VerbEscalate) or the closure note (VerbResolve).
	Text string
	// Code is the closure code of VerbResolve; Org and Email the
	// organisation of VerbRoute.
	Code, Org, Email string
	// Missing is set when a command lacks what it needs (resolve without
	// a code, route without an organisation): the agent is told, nothing
	// runs.
	Missing bool
}

// verbs maps the first word of a message, English or Italian, to its
// command.
var verbs = map[string]Verb{
	"take": VerbTake, "prendi": VerbTake,
	"escalate": VerbEscalate, "escala": VerbEscalate,
	"route": VerbRoute, "inoltra": VerbRoute,
	"resolve": VerbResolve, "risolvi": VerbResolve,
	"handback": VerbHandBack, "restituisci": VerbHandBack,
	"note": VerbNote, "nota": VerbNote,
}

// maxCommandBytes bounds the text the parser looks at; a longer message is
// a reply (the engine has its own limit).
const maxCommandBytes = 16 << 10

// ParseCommand reads an agent's message in a triage thread. A message
// starting with notePrefix (e.g. "!") is an internal note. A command is
// recognised by its first word, case-insensitively, with or without a
// leading "/". take and handback take no argument: "take a screenshot,
// please" is a reply to the user, not a command.
func ParseCommand(text, notePrefix string) Command {
	t := strings.TrimSpace(text)
	if notePrefix != "" && strings.HasPrefix(t, notePrefix) {
		return Command{Verb: VerbNote, Text: strings.TrimSpace(t[len(notePrefix):]), Missing: strings.TrimSpace(t[len(notePrefix):]) == ""}
	}
	if t == "" || len(t) > maxCommandBytes {
		return Command{Verb: VerbReply, Text: t}
	}
	word, rest := firstWord(t)
	v, ok := verbs[strings.ToLower(strings.TrimPrefix(word, "/"))]
	if !ok {
		return Command{Verb: VerbReply, Text: t}
	}
	switch v {
	case VerbTake, VerbHandBack:
		if rest != "" {
			return Command{Verb: VerbReply, Text: t}
		}
		return Command{Verb: v}
	case VerbNote:
		return Command{Verb: VerbNote, Text: rest, Missing: rest == ""}
	case VerbEscalate:
		return Command{Verb: VerbEscalate, Text: rest}
	case VerbResolve:
		code, note := firstWord(rest)
		return Command{Verb: VerbResolve, Code: code, Text: note, Missing: code == ""}
	case VerbRoute:
		fields := strings.Fields(rest)
		c := Command{Verb: VerbRoute}
		if n := len(fields); n > 0 && strings.Contains(fields[n-1], "@") {
			c.Email = strings.Trim(fields[n-1], "<>")
			fields = fields[:n-1]
		}
		c.Org = strings.Join(fields, " ")
		c.Missing = c.Org == ""
		return c
	}
	return Command{Verb: VerbReply, Text: t}
}

// firstWord splits s at its first run of white space.
func firstWord(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// Button actions of a card: "triage:take:<conversation id>".
const actionPrefix = "triage:"

func cardAction(verb Verb, convID int64) string {
	return actionPrefix + string(verb) + ":" + strconv.FormatInt(convID, 10)
}

// parseAction reads a card button's action; ok is false for anything
// else.
func parseAction(action string) (verb Verb, convID int64, ok bool) {
	rest, found := strings.CutPrefix(action, actionPrefix)
	if !found {
		return "", 0, false
	}
	v, id, found := strings.Cut(rest, ":")
	if !found || (Verb(v) != VerbTake && Verb(v) != VerbEscalate) {
		return "", 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return Verb(v), n, true
}
