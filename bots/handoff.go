// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// Errors of the agents' operations.
var (
	// ErrTaken: another agent holds the conversation (two pressed Take at
	// once and the other was first).
	ErrTaken = errors.New("conversation already taken by another agent")
	// ErrNotHolder: the agent acts on a conversation they do not hold.
	ErrNotHolder = errors.New("the conversation is not held by this agent")
	// ErrWrongState: the operation does not apply in the conversation's
	// current state (e.g. resolving a conversation the bot still holds).
	ErrWrongState = errors.New("operation not allowed in the conversation's state")
	// ErrLevel: the agent's level is below the conversation's.
	ErrLevel = errors.New("conversation needs a higher support level")
	// ErrNotDelivered: the agent's reply is recorded but did not reach the
	// user now (no sender for the channel, a send error); it is retried,
	// and the console shows it as not delivered.
	ErrNotDelivered = errors.New("reply recorded but not delivered")
)

// Agent is a person who answers conversations: a console user of role
// agent_l1 (Level 1), agent_l2 or supervisor (Level 2).
type Agent struct {
	ID    int64
	Name  string
	Level int
}

func (a Agent) actor() string { return "agent:" + strconv.FormatInt(a.ID, 10) }

// AgentActions are the agents' operations on a conversation, as the web
// console's inbox and the triage channel call them (*Engine implements
// them). Each call is one transaction in the engine, which also tells the
// user and NOTIFYs helpdesk_conversations so every console and triage
// thread follows. Declared once here, because its two users must offer
// agents the same operations with the same rules.
type AgentActions interface {
	Take(ctx context.Context, convID int64, agent Agent) error
	Reply(ctx context.Context, convID int64, agent Agent, body string) error
	Note(ctx context.Context, convID int64, agent Agent, body string) error
	Escalate(ctx context.Context, convID int64, agent Agent, reason string) error
	RouteExternal(ctx context.Context, convID int64, agent Agent, org, email string) error
	HandBack(ctx context.Context, convID int64, agent Agent) error
	Resolve(ctx context.Context, convID int64, agent Agent, code, note string) error
}

var _ AgentActions = (*Engine)(nil)

// agentTurn is one agent operation on one conversation.
type agentTurn struct {
	tx      *sqlx.Tx
	conv    *Conversation
	agent   Agent
	now     time.Time
	lang    string
	replies []Reply
	author  string
	extra   []Outbound // messages to other conversations (an organisation's e-mail thread)
	// mustDeliver: the operation is a message to the user; when it could
	// not be delivered now the caller is told (ErrNotDelivered).
	mustDeliver bool
}

func (t *agentTurn) say(r Reply) { t.replies = append(t.replies, r) }

// agentOp runs fn on the locked conversation in one transaction, records
// the replies it makes to the user, notifies the consoles, and sends the
// replies after commit.
func (e *Engine) agentOp(ctx context.Context, convID int64, agent Agent, fn func(t *agentTurn) error) error {
	var outs, extra []Outbound
	var conv *Conversation
	mustDeliver := false
	err := db.Tx(ctx, e.opt.DB, func(tx *sqlx.Tx) error {
		var err error
		conv, err = e.store.Lock(ctx, tx, convID)
		if err != nil {
			return err
		}
		t := &agentTurn{tx: tx, conv: conv, agent: agent, now: e.opt.Now(), lang: conv.Lang, author: agent.actor()}
		if err := fn(t); err != nil {
			return err
		}
		if err := e.settleAgentPrompt(ctx, t); err != nil {
			return err
		}
		conv.UpdatedAt = t.now
		if err := e.store.Save(ctx, tx, conv); err != nil {
			return err
		}
		outs, err = e.recordOut(ctx, tx, conv, t.author, t.replies, t.now)
		if err != nil {
			return err
		}
		extra, mustDeliver = t.extra, t.mustDeliver
		return e.notify(ctx, tx, conv.ID)
	})
	if err != nil {
		return err
	}
	lock := e.stripe(conv.Channel, conv.Key)
	lock.Lock()
	derr := e.deliver(ctx, outs)
	lock.Unlock()
	if len(extra) > 0 {
		e.deliver(ctx, extra)
	}
	if derr != nil && mustDeliver {
		return fmt.Errorf("%w: %w", ErrNotDelivered, derr)
	}
	return nil
}

// recordOut stores replies to a conversation as outgoing messages.
func (e *Engine) recordOut(ctx context.Context, q Querier, conv *Conversation, author string, replies []Reply, now time.Time) ([]Outbound, error) {
	if len(replies) == 0 {
		return nil, nil
	}
	ms := make([]*Message, len(replies))
	var nonce [8]byte
	rand.Read(nonce[:])
	for i, r := range replies {
		body, _ := json.Marshal(r)
		ms[i] = &Message{ConversationID: conv.ID, Channel: conv.Channel, ExternalID: fmt.Sprintf("out:c%d:%x:%d", conv.ID, nonce, i),
			Direction: "out", Author: author, Body: r.Text, Payload: body, CreatedAt: now}
	}
	if err := e.store.RecordReplies(ctx, q, ms); err != nil {
		return nil, err
	}
	outs := make([]Outbound, len(ms))
	for i, m := range ms {
		outs[i] = Outbound{MessageID: m.ID, ExternalID: m.ExternalID, Channel: conv.Channel, ConversationKey: conv.Key, Reply: replies[i]}
	}
	return outs, nil
}

// notify tells every instance's console that the conversation changed
// (delivered by PostgreSQL on commit).
func (e *Engine) notify(ctx context.Context, q Querier, convID int64) error {
	return e.store.NotifyConversation(ctx, q, convID)
}

// NotifyConversation tells every instance's consoles and triage threads
// that the conversation changed: a NOTIFY on NotifyChannel, which
// PostgreSQL delivers when q's transaction commits.
func (s *Store) NotifyConversation(ctx context.Context, q Querier, convID int64) error {
	if _, err := q.ExecContext(ctx, s.q.Notify, strconv.FormatInt(convID, 10)); err != nil {
		return fmt.Errorf("notify conversation %d: %w", convID, err)
	}
	return nil
}

func (t *agentTurn) holds() error {
	if t.conv.State != StateAgent {
		return fmt.Errorf("%w: %s", ErrWrongState, t.conv.State)
	}
	if t.conv.AgentID == nil || *t.conv.AgentID != t.agent.ID {
		return ErrNotHolder
	}
	return nil
}

// Take gives a queued conversation to the agent. Of two agents pressing
// Take at the same moment exactly one gets it; the other gets ErrTaken.
// The user is told who joined.
func (e *Engine) Take(ctx context.Context, convID int64, agent Agent) error {
	return e.agentOp(ctx, convID, agent, func(t *agentTurn) error {
		switch {
		case t.conv.State == StateAgent && t.conv.AgentID != nil && *t.conv.AgentID == agent.ID:
			return nil // already ours: pressing twice is harmless
		case t.conv.State == StateAgent:
			return ErrTaken
		case t.conv.State != StateQueued:
			return fmt.Errorf("%w: %s", ErrWrongState, t.conv.State)
		case agent.Level < t.conv.Level:
			return ErrLevel
		}
		return e.assignTo(ctx, t, agent)
	})
}

// assignTo hands the locked conversation to agent and tells the user.
func (e *Engine) assignTo(ctx context.Context, t *agentTurn, agent Agent) error {
	t.conv.AgentID = &agent.ID
	if err := e.store.SetState(ctx, t.tx, t.conv, agent.actor(), StateAgent, t.now); err != nil {
		return err
	}
	if err := e.store.Event(ctx, t.tx, t.conv.ID, t.now, agent.actor(), "taken", "", strconv.FormatInt(agent.ID, 10)); err != nil {
		return err
	}
	if err := e.users.MarkAssigned(ctx, t.tx, agent.ID, t.now); err != nil {
		return err
	}
	if t.conv.TicketID != nil {
		if _, err := e.opt.Tickets.Assign(ctx, t.tx, *t.conv.TicketID, agent.actor(), &agent.ID, ""); err != nil {
			return err
		}
	}
	t.author = agent.actor()
	t.say(Reply{Text: botText.T(t.lang, "handoff.joined", agent.Name, max(agent.Level, 1)), Auto: true})
	return nil
}

// AutoAssign gives the oldest queued conversation of a level to the online
// agent of that level assigned least recently, when one has room. It
// returns the conversation id, or 0 when nothing was assigned.
func (e *Engine) AutoAssign(ctx context.Context, level int) (int64, error) {
	items, err := e.Queue(ctx, level, 1)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	role := "agent_l1"
	if level == 2 {
		role = "agent_l2"
	}
	assigned := false
	err = e.agentOp(ctx, items[0].ID, Agent{}, func(t *agentTurn) error {
		if t.conv.State != StateQueued {
			return nil
		}
		var pick struct {
			ID   int64  `db:"id"`
			Name string `db:"display_name"`
		}
		if err := t.tx.GetContext(ctx, &pick, e.store.q.PickAgent, role); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		}
		assigned = true
		return e.assignTo(ctx, t, Agent{ID: pick.ID, Name: pick.Name, Level: level})
	})
	if err != nil || !assigned {
		return 0, err
	}
	return items[0].ID, nil
}

// Reply sends the agent's message to the user on their own channel and
// records it on the ticket as a public comment.
func (e *Engine) Reply(ctx context.Context, convID int64, agent Agent, body string) error {
	body = strings.TrimSpace(body)
	if body == "" {
		return fmt.Errorf("%w: empty reply", ErrInvalidInbound)
	}
	return e.agentOp(ctx, convID, agent, func(t *agentTurn) error {
		if err := t.holds(); err != nil {
			return err
		}
		r := Reply{Text: body}
		if t.conv.TicketID != nil {
			c, err := e.opt.Tickets.AddChatReply(ctx, t.tx, *t.conv.TicketID, agent.actor(), body)
			if err != nil {
				return err
			}
			r.Comment = &CommentRef{TicketID: *t.conv.TicketID, CommentID: c.ID, Actor: agent.actor()}
		}
		t.mustDeliver = true
		t.say(r)
		return nil
	})
}

// Note records an internal note: on the ticket, never sent to the user.
func (e *Engine) Note(ctx context.Context, convID int64, agent Agent, body string) error {
	body = strings.TrimSpace(body)
	if body == "" {
		return fmt.Errorf("%w: empty note", ErrInvalidInbound)
	}
	return e.agentOp(ctx, convID, agent, func(t *agentTurn) error {
		if err := e.store.Event(ctx, t.tx, t.conv.ID, t.now, agent.actor(), "note", "", body); err != nil {
			return err
		}
		if t.conv.TicketID == nil {
			return nil
		}
		_, err := e.opt.Tickets.AddComment(ctx, t.tx, *t.conv.TicketID, agent.actor(), false, body)
		return err
	})
}

// Escalate passes the conversation and its ticket to level 2 with a
// reason; it waits in the level-2 queue.
func (e *Engine) Escalate(ctx context.Context, convID int64, agent Agent, reason string) error {
	return e.agentOp(ctx, convID, agent, func(t *agentTurn) error {
		if t.conv.State != StateQueued {
			if err := t.holds(); err != nil {
				return err
			}
		}
		if t.conv.Level == 2 {
			return fmt.Errorf("%w: already at level 2", ErrWrongState)
		}
		t.conv.Level, t.conv.AgentID = 2, nil
		if err := e.store.SetState(ctx, t.tx, t.conv, agent.actor(), StateQueued, t.now); err != nil {
			return err
		}
		if err := e.store.Event(ctx, t.tx, t.conv.ID, t.now, agent.actor(), "escalated", "1", "2"); err != nil {
			return err
		}
		if t.conv.TicketID != nil {
			if _, err := e.opt.Tickets.Escalate(ctx, t.tx, *t.conv.TicketID, agent.actor(), reason); err != nil {
				return err
			}
		}
		t.say(Reply{Text: botText.T(t.lang, "handoff.escalated"), Auto: true})
		return nil
	})
}

// RouteExternal hands the ticket to another organisation. The agent keeps
// the conversation; the ticket waits for the third party and its closure
// is still recorded here.
func (e *Engine) RouteExternal(ctx context.Context, convID int64, agent Agent, org, email string) error {
	return e.agentOp(ctx, convID, agent, func(t *agentTurn) error {
		if err := t.holds(); err != nil {
			return err
		}
		if t.conv.TicketID == nil {
			return fmt.Errorf("%w: no ticket to route", ErrWrongState)
		}
		tk, err := e.opt.Tickets.RouteExternal(ctx, t.tx, *t.conv.TicketID, agent.actor(), org, email)
		if err != nil {
			return err
		}
		if err := e.store.Event(ctx, t.tx, t.conv.ID, t.now, agent.actor(), "routed", "", org); err != nil {
			return err
		}
		if email != "" && e.sender(ChannelEmail) != nil {
			// The organisation gets the ticket by e-mail, in a thread of its
			// own; its answers come back to the ticket by the [HD-…] subject.
			orgConv, _, err := e.store.LockOpen(ctx, t.tx, ChannelEmail, MailKey(email, "route-"+tk.Number), nil, "it", t.now)
			if err != nil {
				return err
			}
			orgConv.TicketID = &tk.ID
			if err := e.store.Save(ctx, t.tx, orgConv); err != nil {
				return err
			}
			body := botText.T("it", "route.mail", org, tk.Number, tk.Subject, tk.Description, agent.Name) + "\n\n---\n\n" +
				botText.T("en", "route.mail", org, tk.Number, tk.Subject, tk.Description, agent.Name)
			outs, err := e.recordOut(ctx, t.tx, orgConv, agent.actor(), []Reply{{Text: body}}, t.now)
			if err != nil {
				return err
			}
			t.extra = append(t.extra, outs...)
		}
		t.say(Reply{Text: botText.T(t.lang, "handoff.routed", org, tk.Number), Auto: true})
		return nil
	})
}

// HandBack returns the conversation to the bot.
func (e *Engine) HandBack(ctx context.Context, convID int64, agent Agent) error {
	return e.agentOp(ctx, convID, agent, func(t *agentTurn) error {
		if t.conv.State != StateQueued {
			if err := t.holds(); err != nil {
				return err
			}
		}
		t.conv.AgentID = nil
		t.conv.Context = db.JSON(`{}`)
		if err := e.store.SetState(ctx, t.tx, t.conv, agent.actor(), StateBot, t.now); err != nil {
			return err
		}
		t.say(Reply{Text: botText.T(t.lang, "handoff.handback"), Auto: true})
		return nil
	})
}

// Resolve closes the agent's work: the ticket is resolved with a closure
// code and note, and the user is asked how satisfied they are (1–5) and
// told how to reopen.
func (e *Engine) Resolve(ctx context.Context, convID int64, agent Agent, code, note string) error {
	return e.agentOp(ctx, convID, agent, func(t *agentTurn) error {
		if err := t.holds(); err != nil {
			return err
		}
		number := ""
		if t.conv.TicketID != nil {
			tk, err := e.opt.Tickets.Resolve(ctx, t.tx, *t.conv.TicketID, agent.actor(), code, note)
			if err != nil {
				return err
			}
			number = tk.Number
		}
		return e.conversationResolved(ctx, t, number, note)
	})
}

// conversationResolved marks the conversation resolved and tells the user
// — the ticket's number, the closing note, how to reopen — then asks how
// satisfied they are. The console's and the API's resolutions say the
// same.
func (e *Engine) conversationResolved(ctx context.Context, t *agentTurn, number, note string) error {
	if err := e.store.SetState(ctx, t.tx, t.conv, t.author, StateResolved, t.now); err != nil {
		return err
	}
	msg := botText.T(t.lang, "handoff.resolved", number)
	if strings.TrimSpace(note) != "" {
		msg += "\n" + note
	}
	msg += "\n" + botText.T(t.lang, "handoff.reopen", int(e.opt.ReopenWindow.Hours()/24))
	t.say(Reply{Text: msg, Auto: true})
	var bs []Button
	for i := 1; i <= 5; i++ {
		bs = append(bs, Button{Label: strconv.Itoa(i), Action: actCSAT + strconv.Itoa(i)})
	}
	t.say(Reply{Text: botText.T(t.lang, "csat.ask"), Buttons: bs, Auto: true})
	return nil
}

// SetPresence marks an agent online or away (round robin only picks
// online agents).
func (e *Engine) SetPresence(ctx context.Context, agentID int64, online bool) error {
	return e.users.SetPresence(ctx, e.opt.DB, agentID, online)
}

// QueueItem is a conversation waiting for (or held by) an agent.
type QueueItem struct {
	Conversation
	TicketNumber string `db:"ticket_number"`
	Priority     string `db:"priority"`
	Subject      string `db:"subject"`
}

// Queue lists the conversations waiting for an agent of level, most
// urgent and oldest first.
func (e *Engine) Queue(ctx context.Context, level, limit int) ([]QueueItem, error) {
	var items []QueueItem
	if err := e.opt.DB.SelectContext(ctx, &items, e.store.q.Queue, level, limit); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return items, nil
}

// HeldBy lists the conversations an agent holds.
func (e *Engine) HeldBy(ctx context.Context, agentID int64) ([]QueueItem, error) {
	var items []QueueItem
	if err := e.opt.DB.SelectContext(ctx, &items, e.store.q.HeldBy, agentID); err != nil {
		return nil, fmt.Errorf("conversations of agent: %w", err)
	}
	return items, nil
}

// Summary is what an agent reads on taking a conversation: what the user
// asked, which entries the bot tried, the severity and why.
type Summary struct {
	Query    string   `json:"query"`
	Tried    []string `json:"tried"`
	Urgency  string   `json:"urgency"`
	Impact   string   `json:"impact"`
	Type     string   `json:"type"`
	Why      []string `json:"why"`
	Reason   string   `json:"reason"`
	TicketID *int64   `json:"ticket_id"`
}

// SummaryOf reads the handoff summary from a conversation's context.
func SummaryOf(c *Conversation) Summary {
	var d dialogue
	json.Unmarshal(c.Context, &d)
	s := Summary{Query: d.Query, Tried: d.Tried, Reason: d.Reason, TicketID: c.TicketID}
	if d.Severity != nil {
		s.Urgency, s.Impact, s.Type, s.Why = d.Severity.Urgency, d.Severity.Impact, d.Severity.Type, d.Severity.Why
	}
	return s
}
