// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"net/http"
	"strings"
	"time"

	"github.com/lib/pq"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// InboxItem is one conversation in the inbox.
type InboxItem struct {
	ID            int64           `db:"id"`
	Channel       string          `db:"channel"`
	State         string          `db:"state"`
	Level         int             `db:"level"`
	AgentID       *int64          `db:"agent_id"`
	Lang          string          `db:"lang"`
	LastMessageAt time.Time       `db:"last_message_at"`
	Context       json.RawMessage `db:"context"`
	TicketNumber  string          `db:"ticket_number"`
	Subject       string          `db:"subject"`
	Priority      string          `db:"priority"`
	Requester     string          `db:"requester"`
	AgentName     string          `db:"agent_name"`
	Group         string          `db:"group_name"`
	CallBack      bool            `db:"call_back"` // a voicemail: call the requester back, first in the queue
	Mine          bool            `db:"-"`
	Query         string          `db:"-"`
}

// queueLevels are the support levels whose queue a role serves: an L2
// agent also helps with level 1 when it is free; a supervisor sees all.
func queueLevels(r agents.Role) []int64 {
	switch r {
	case agents.RoleAgentL1:
		return []int64{1}
	default:
		return []int64{1, 2}
	}
}

func (c *Console) inboxItems(ctx context.Context, s *agents.Session) ([]InboxItem, error) {
	var items []InboxItem
	if err := c.db.SelectContext(ctx, &items, c.q.Inbox, pq.Int64Array(queueLevels(s.Role)), s.ID,
		s.Role == agents.RoleSupervisor); err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	for i := range items {
		it := &items[i]
		it.Mine = it.AgentID != nil && *it.AgentID == s.ID
		it.Query = summaryOf(it.Context).Query
		if it.Query == "" {
			it.Query = it.Subject // the ticket's subject is the user's description, cut short
		}
	}
	return items, nil
}

type inboxData struct {
	Items  []InboxItem
	Online bool
	Group  string
	Groups []string
}

func (c *Console) inboxData(r *http.Request) (inboxData, error) {
	s := sessionFrom(r)
	items, err := c.inboxItems(r.Context(), s)
	if err != nil {
		return inboxData{}, err
	}
	group, err := filterText(filterQuery(r), "group", 200)
	if err != nil {
		return inboxData{}, err
	}
	d := inboxData{Group: strings.TrimSpace(group)}
	seen := map[string]bool{}
	for _, it := range items {
		if it.Group != "" && !seen[it.Group] {
			seen[it.Group] = true
			d.Groups = append(d.Groups, it.Group)
		}
		if d.Group == "" || it.Group == d.Group || it.Mine {
			d.Items = append(d.Items, it)
		}
	}
	presence, err := c.users.Presence(r.Context(), s.ID)
	if err != nil {
		return inboxData{}, err
	}
	d.Online = presence == agents.PresenceOnline
	return d, nil
}

func (c *Console) Inbox(w http.ResponseWriter, r *http.Request) {
	d, err := c.inboxData(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "inbox", c.newView(r, "inbox.title", d))
}

// setPresence switches the agent between online (round robin may assign
// them conversations) and away.
func (c *Console) SetPresence(w http.ResponseWriter, r *http.Request) {
	if c.handoff == nil {
		c.Fail(w, r, problem.ErrNoHandoff)
		return
	}
	if err := c.handoff.SetPresence(r.Context(), sessionFrom(r).ID, r.PostFormValue("online") == "true"); err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/inbox", "flash.saved")
}

// inboxList is the list alone, fetched by the page when an update arrives.
func (c *Console) InboxList(w http.ResponseWriter, r *http.Request) {
	d, err := c.inboxData(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "inbox_part", c.newView(r, "inbox.title", d))
}

// handoffSummary is what the bot left in conversations.context for the
// agent: the question, the entries it tried, the severity and why.
type handoffSummary struct {
	Query       string   `json:"query"`
	Description string   `json:"description"`
	Tried       []string `json:"tried"`
	Reason      string   `json:"reason"`
	Severity    *struct {
		Urgency string   `json:"urgency"`
		Impact  string   `json:"impact"`
		Type    string   `json:"type"`
		Why     []string `json:"why"`
	} `json:"severity"`
}

func summaryOf(raw json.RawMessage) handoffSummary {
	var s handoffSummary
	if len(raw) > 0 {
		json.Unmarshal(raw, &s) // a context the bot did not fill is just an empty summary
	}
	if s.Query == "" {
		// Asked for a person straight away: the problem is what the user
		// described while the ticket was gathered.
		s.Query = s.Description
	}
	if s.Severity != nil {
		seen := map[string]bool{}
		var why []string
		for _, w := range s.Severity.Why {
			if !seen[w] {
				seen[w] = true
				why = append(why, w)
			}
		}
		s.Severity.Why = why
	}
	return s
}

// triedEntry is a knowledge-base entry the bot showed, with its title.
type triedEntry struct{ ID, Title string }

type conversationData struct {
	Conv      *bots.Conversation
	Requester string
	Summary   handoffSummary
	// Assessment is the bot's view: the ticket's, or what the bot left
	// in the conversation when there is no ticket yet.
	Assessment   assessmentView
	ClosureCodes []closureOption
	Messages     []messageView
	Ticket       *tickets.Ticket
	Mine         bool
	CanTake      bool
	Canned       []agents.CannedResponse
	Handoff      bool
	Levels       []tickets.Level
	Assist       assistPanel // the language model's summary and suggestion (assist.go)
	// OpenRequired are the ticket's required checklist steps not done:
	// resolving then needs a reason (checklist_console.go).
	OpenRequired string
}

// loadConversation returns the conversation if the agent may see it: an
// L1 agent sees level-1 conversations and those they hold.
func (c *Console) loadConversation(r *http.Request) (*bots.Conversation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	conv, err := c.convs.Get(r.Context(), c.db, id)
	if err != nil {
		return nil, err
	}
	if !mayServeLevel(sessionFrom(r), conv.Level, conv.AgentID) {
		return nil, problem.ErrForbidden
	}
	return conv, nil
}

func (c *Console) Conversation(w http.ResponseWriter, r *http.Request) {
	d, err := c.conversationPage(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "conversation", c.newView(r, "conv.title", d))
}

// conversationPage gathers what the conversation page shows.
func (c *Console) conversationPage(r *http.Request) (*conversationData, error) {
	ctx := r.Context()
	conv, err := c.loadConversation(r)
	if err != nil {
		return nil, err
	}
	s := sessionFrom(r)
	d := conversationData{Conv: conv, Summary: summaryOf(json.RawMessage(conv.Context)), Handoff: c.handoff != nil,
		Levels: []tickets.Level{tickets.High, tickets.Medium, tickets.Low}}
	d.Mine = conv.AgentID != nil && *conv.AgentID == s.ID
	d.CanTake = conv.State == bots.StateQueued || (conv.State == bots.StateAgent && !d.Mine)
	if conv.RequesterID != nil {
		c.db.GetContext(ctx, &d.Requester, c.q.RequesterName, *conv.RequesterID)
	}
	ms, err := c.convs.Messages(ctx, c.db, conv.ID)
	if err == nil {
		d.Messages, err = c.messageViews(ctx, pageLang(r), ms)
	}
	if err == nil {
		d.Assist, err = c.assistPanelFor(ctx, conv.ID, lastMessageID(ms))
	}
	if err != nil {
		return nil, err
	}
	if conv.TicketID != nil {
		if d.Ticket, err = c.tickets.Get(ctx, c.db, *conv.TicketID); err != nil {
			return nil, err
		}
		if d.Summary.Query == "" {
			d.Summary.Query = d.Ticket.Subject
		}
		open, err := c.tickets.OpenRequiredSteps(ctx, c.db, d.Ticket.ID)
		if err != nil {
			return nil, err
		}
		d.OpenRequired = strings.Join(open, "; ")
	}
	if d.Canned, err = c.canned.List(ctx, conv.Lang); err != nil {
		return nil, err
	}
	lang := pageLang(r)
	d.ClosureCodes = c.closure.Options(lang)
	a := tickets.Assessment{Tried: d.Summary.Tried}
	if d.Ticket != nil && !d.Ticket.Assessment.IsZero() {
		a = d.Ticket.Assessment
	} else if sev := d.Summary.Severity; sev != nil {
		a.Urgency, a.Impact, a.Type, a.Why = sev.Urgency, sev.Impact, sev.Type, sev.Why
	}
	d.Assessment = c.assessmentOf(ctx, lang, a)
	return &d, nil
}

func (c *Console) ConversationMessages(w http.ResponseWriter, r *http.Request) {
	conv, err := c.loadConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	ms, err := c.convs.Messages(r.Context(), c.db, conv.ID)
	var views []messageView
	if err == nil {
		views, err = c.messageViews(r.Context(), pageLang(r), ms)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "messages_part", c.newView(r, "conv.title", views))
}

// agentOf is the console user as the engine sees them; a supervisor
// works at level 2.
func agentOf(s *agents.Session) bots.Agent {
	level := s.Role.Level()
	if s.Role == agents.RoleSupervisor {
		level = 2
	}
	return bots.Agent{ID: s.ID, Name: s.DisplayName, Level: level}
}

// convAction runs one handoff action and goes back to the conversation.
func (c *Console) convAction(w http.ResponseWriter, r *http.Request, flash string, fn func(ctx context.Context, id int64, a bots.Agent) error) {
	conv, err := c.loadConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if c.handoff == nil {
		c.Fail(w, r, problem.ErrNoHandoff)
		return
	}
	if err := fn(r.Context(), conv.ID, agentOf(sessionFrom(r))); err != nil {
		if errors.Is(err, bots.ErrNotDelivered) {
			// Recorded and retried, but the user has not got it: the agent
			// must not believe it was sent.
			redirect(w, r, fmt.Sprintf("/console/conversations/%d", conv.ID), "flash.undelivered")
			return
		}
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/console/conversations/%d", conv.ID), flash)
}

func required(r *http.Request, field string) (string, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return "", fmt.Errorf("%w: %s is required", problem.ErrBadRequest, field)
	}
	return v, nil
}

func (c *Console) ConvTake(w http.ResponseWriter, r *http.Request) {
	c.convAction(w, r, "flash.taken", func(ctx context.Context, id int64, a bots.Agent) error {
		return c.handoff.Take(ctx, id, a)
	})
}

func (c *Console) ConvReply(w http.ResponseWriter, r *http.Request) {
	c.convAction(w, r, "flash.sent", func(ctx context.Context, id int64, a bots.Agent) error {
		text, err := required(r, "text")
		if err != nil {
			return err
		}
		if err := c.handoff.Reply(ctx, id, a, text); err != nil {
			return err
		}
		c.confirmConversation(ctx, id, text, kb.ConfirmAgent, actor(r))
		return nil
	})
}

// confirmConversation records the entries text links to as confirmations
// of the conversation's question.
func (c *Console) confirmConversation(ctx context.Context, id int64, text, source, who string) {
	if len(linkedEntries(text)) == 0 {
		return
	}
	conv, err := c.convs.Get(ctx, c.db, id)
	if err != nil {
		c.log.Warn("record confirmation", "conversation", id, "err", err)
		return
	}
	c.confirmLinked(ctx, text, conversationQuery(conv.Context), conv.Lang, source, who)
}

func (c *Console) ConvNote(w http.ResponseWriter, r *http.Request) {
	c.convAction(w, r, "flash.noted", func(ctx context.Context, id int64, a bots.Agent) error {
		text, err := required(r, "text")
		if err != nil {
			return err
		}
		return c.handoff.Note(ctx, id, a, text)
	})
}

func (c *Console) ConvEscalate(w http.ResponseWriter, r *http.Request) {
	c.convAction(w, r, "flash.escalated", func(ctx context.Context, id int64, a bots.Agent) error {
		reason, err := required(r, "reason")
		if err != nil {
			return err
		}
		return c.handoff.Escalate(ctx, id, a, reason)
	})
}

func (c *Console) ConvRoute(w http.ResponseWriter, r *http.Request) {
	c.convAction(w, r, "flash.routed", func(ctx context.Context, id int64, a bots.Agent) error {
		org, err := required(r, "org")
		if err != nil {
			return err
		}
		return c.handoff.RouteExternal(ctx, id, a, org, strings.TrimSpace(r.PostFormValue("email")))
	})
}

func (c *Console) ConvHandBack(w http.ResponseWriter, r *http.Request) {
	c.convAction(w, r, "flash.handed_back", func(ctx context.Context, id int64, a bots.Agent) error {
		return c.handoff.HandBack(ctx, id, a)
	})
}

func (c *Console) convResolve(w http.ResponseWriter, r *http.Request) {
	c.convAction(w, r, "flash.resolved", func(ctx context.Context, id int64, a bots.Agent) error {
		code := strings.TrimSpace(r.PostFormValue("code"))
		if !c.closure.Valid(code) {
			return fmt.Errorf("%w: closure code %q is not on the list (console.closure_codes)", problem.ErrBadRequest, code)
		}
		note := strings.TrimSpace(r.PostFormValue("note"))
		if err := c.handoff.Resolve(ctx, id, a, code, note); err != nil {
			return err
		}
		c.confirmConversation(ctx, id, note, kb.ConfirmTicket, actor(r))
		return nil
	})
}
