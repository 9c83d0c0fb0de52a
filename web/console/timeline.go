// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"helpdesk/tickets"
)

// timelineLine is one event of a ticket's timeline in words, in the
// agent's language: who did it (a name, never "agent:1") and what happened
// ("Stato: nuovo → aperto", "ha preso in carico").
type timelineLine struct {
	Event   tickets.Event
	Who     string
	What    string
	Comment *tickets.Comment
}

// people resolves the actors the audit trail records ("agent:7",
// "user:anna", "requester:12", "api:…", "bot") to what an agent reads.
type people struct {
	byID       map[int64]string  // console users by id
	byUsername map[string]string // console users by username
	idOf       map[string]int64  // console users' ids by username
	requesters map[int64]string  // requesters looked up so far
	lookup     func(id int64) string
}

// newPeople loads the console users once for a page.
func (c *Console) newPeople(ctx context.Context) (*people, error) {
	users, err := c.users.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("users for names: %w", err)
	}
	p := &people{byID: map[int64]string{}, byUsername: map[string]string{}, idOf: map[string]int64{}, requesters: map[int64]string{}}
	for _, u := range users {
		p.byID[u.ID] = u.DisplayName
		p.byUsername[strings.ToLower(u.Username)] = u.DisplayName
		p.idOf[strings.ToLower(u.Username)] = u.ID
	}
	p.lookup = func(id int64) string {
		var name string
		if err := c.db.GetContext(ctx, &name, c.q.RequesterName, id); err != nil {
			c.log.Warn("requester name", "requester", id, "err", err)
		}
		return name
	}
	return p, nil
}

// agentName is the console user with id (as a string, as events store
// it), or "" when there is none.
func (p *people) agentName(id string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ""
	}
	return p.byID[n]
}

// self says whether actor is the console user whose id is agentID: an
// agent who assigned a ticket to themselves took charge of it.
func (p *people) self(actor, agentID string) bool {
	kind, rest, _ := strings.Cut(actor, ":")
	switch kind {
	case "agent":
		return rest == agentID
	case "user":
		id, ok := p.idOf[strings.ToLower(rest)]
		return ok && strconv.FormatInt(id, 10) == agentID
	}
	return false
}

// name is actor in words for the agent reading in lang.
func (p *people) name(lang, actor string) string {
	kind, rest, _ := strings.Cut(actor, ":")
	switch kind {
	case "agent":
		if n := p.agentName(rest); n != "" {
			return n
		}
		return Text.T(lang, "who.agent")
	case "user":
		if n := p.byUsername[strings.ToLower(rest)]; n != "" {
			return n
		}
		return Text.T(lang, "who.agent")
	case "requester":
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return Text.T(lang, "who.requester")
		}
		n, seen := p.requesters[id]
		if !seen && p.lookup != nil {
			n = p.lookup(id)
			p.requesters[id] = n
		}
		if n == "" {
			return Text.T(lang, "who.requester")
		}
		return Text.T(lang, "who.requester_named", n)
	case "bot":
		return Text.T(lang, "who.bot")
	case "api":
		return Text.T(lang, "who.api")
	case "mail", "email":
		return Text.T(lang, "who.mail")
	}
	return Text.T(lang, "who.system")
}

// fieldValue is a field's value in words: levels, states, types and
// closure codes translated, agents by name, an empty value named.
func (c *Console) fieldValue(lang, field, value string, p *people) string {
	if value == "" {
		return Text.T(lang, "value.empty")
	}
	var key string
	switch field {
	case "urgency", "impact":
		key = "level." + value
	case "state":
		key = "state." + value
	case "type":
		key = "type." + value
	case "closure_code":
		return c.closure.Label(lang, value)
	case "agent":
		if n := p.agentName(value); n != "" {
			return n
		}
	case "level":
		return Text.T(lang, "value.level", value)
	}
	if _, ok := Text[key]; ok && key != "" {
		return Text.T(lang, key)
	}
	return value
}

// describe puts one event in words.
func (c *Console) describe(lang string, e tickets.Event, p *people) string {
	t := func(key string, args ...any) string { return Text.T(lang, key, args...) }
	val := func(v string) string { return c.fieldValue(lang, e.Field, v, p) }
	switch e.Kind {
	case tickets.EventCreated:
		return t("tl.created", e.NewValue)
	case tickets.EventState:
		return t("tl.change", t("field.state"), val(e.OldValue), val(e.NewValue))
	case tickets.EventAssigned:
		switch {
		case e.NewValue == "":
			return t("tl.unassigned", val(e.OldValue))
		case p.self(e.Actor, e.NewValue):
			return t("tl.took")
		default:
			return t("tl.assigned", val(e.NewValue))
		}
	case tickets.EventEscalated:
		return t("tl.level", e.OldValue, e.NewValue)
	case tickets.EventRouted:
		if e.NewValue == "" {
			return t("tl.unrouted")
		}
		return t("tl.routed", e.NewValue)
	case tickets.EventFollowUp:
		return t("tl.follow_up", e.NewValue)
	case tickets.EventFollowUpOf:
		return t("tl.follow_up_of", e.NewValue)
	case tickets.EventComment:
		return t("tl.comment")
	case tickets.EventNote:
		return t("tl.note")
	case tickets.EventAttachment:
		return t("tl.attachment", e.NewValue)
	case tickets.EventDelivered:
		return t("tl.delivered")
	case tickets.EventCalendarChanged:
		return t("tl.calendar_changed", e.Field)
	case tickets.EventCalledBack:
		return t("tl.called_back")
	case tickets.EventField:
		return t("tl.change", c.fieldName(lang, e.Field), val(e.OldValue), val(e.NewValue))
	}
	// Kinds of other parts of the desk (checklists …) keep their label and
	// what they recorded.
	what := t("event." + e.Kind)
	if _, ok := Text["event."+e.Kind]; !ok {
		what = t("tl.other")
	}
	if e.NewValue != "" {
		what += ": " + e.NewValue
	}
	return what
}

// fieldName is a ticket field's label.
func (c *Console) fieldName(lang, field string) string {
	if _, ok := Text["field."+field]; ok {
		return Text.T(lang, "field."+field)
	}
	return field
}

// timeline puts a ticket's events in words, with the comments they refer to.
func (c *Console) timeline(ctx context.Context, lang string, evs []tickets.Event, comments map[int64]*tickets.Comment) ([]timelineLine, error) {
	p, err := c.newPeople(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]timelineLine, 0, len(evs))
	for _, e := range evs {
		l := timelineLine{Event: e, Who: p.name(lang, e.Actor), What: c.describe(lang, e, p)}
		if e.CommentID != nil {
			l.Comment = comments[*e.CommentID]
		}
		out = append(out, l)
	}
	return out, nil
}
