// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/agents"
	"helpdesk/internal/db"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// Knowledge is what the engine needs of the knowledge base.
type Knowledge interface {
	// Search returns public, published answers for text, best first, each
	// with a confidence in [0, 1].
	Search(ctx context.Context, text, lang, channel string) ([]Answer, error)
	// Entry returns one public, published entry by id, its text the
	// passage that best matches query.
	Entry(ctx context.Context, id, query string) (Answer, error)
	// Shown records that an answer was shown and returns a reference for
	// the user's rating.
	Shown(ctx context.Context, a Answer, channel string) (ref int64, err error)
	// Rate records whether the shown answer helped.
	Rate(ctx context.Context, ref int64, helpful bool) error
}

// Confirmer is what a Knowledge may also do: record that a user (who, their
// id on the channel) confirmed that query was answered by entry, pressing
// "Risolto" after it was shown.
type Confirmer interface {
	Confirm(ctx context.Context, query, lang, entry, who string) error
}

// Answer is a knowledge-base entry as the bot shows it.
type Answer struct {
	EntryID    string
	Revision   int
	Title      string
	Text       string // a short answer in the Markdown subset replies use
	URL        string // the full entry in the help centre
	Confidence float64
	Media      []Media
	SearchID   int64  // the logged search that found it (0: none)
	Product    string // the application or service the entry is about ("" when it names none)
}

// ProductFinder is what a Knowledge may also do: tell which product
// (application or service) a text names, from the products and tags of
// the knowledge base, so the bot does not ask for what the user said.
type ProductFinder interface {
	ProductIn(ctx context.Context, text, lang string) (string, error)
}

// Composer writes a short answer in the user's language from knowledge
// base answers (a language model, optional). It returns the text and the
// ids of the entries it cites; the engine keeps the answer only when it
// cites at least one entry and nothing it was not given.
type Composer interface {
	Compose(ctx context.Context, question, lang string, sources []Answer) (text string, cited []string, err error)
}

// SeverityModel estimates urgency, impact and type of a problem text. A
// model that calls out (the language model's opinion, see Remote) bounds
// its call by ctx; the local model ignores it.
type SeverityModel interface {
	Assess(ctx context.Context, text, lang string) nlp.Severity
}

// Calendar is the desk's business calendar.
type Calendar interface {
	IsOpen(t time.Time) bool
	NextOpening(t time.Time) time.Time
	AddWorkingHours(t time.Time, d time.Duration) time.Time
	Location() *time.Location
}

// Sender delivers replies on one channel.
type Sender interface {
	Send(ctx context.Context, out Outbound) error
}

// RetryQueue makes a failed send durable: the reply is retried by a job.
type RetryQueue interface {
	EnqueueSend(ctx context.Context, messageID int64, channel string) error
}

// Options are the engine's dependencies and settings.
type Options struct {
	// MaxTextBytes bounds one message's text (bot.max_text_bytes): a
	// longer one is refused with ErrTooLong, not stored, and the adapter
	// asks the user to shorten it. 0: MaxTextBytes.
	MaxTextBytes int
	DB           *sqlx.DB
	// BookkeepingDB, when set, records deliveries (message_deliveries) without
	// waiting for the disk: a crash may lose a mark, never a message.
	BookkeepingDB *sqlx.DB
	Tickets       *tickets.Store
	Knowledge     Knowledge
	Severity      SeverityModel
	Calendar      Calendar
	// Calendars, when set, picks the calendar of each queue (when the desk
	// reopens) and of each ticket's first-response target (what the bot
	// promises); nil: Calendar for everything.
	Calendars *tickets.Calendars
	Retry     RetryQueue // nil: failed sends are only logged and left unsent
	Logger    *slog.Logger
	Now       func() time.Time
	// BaseURL is where the help centre and tracking pages live.
	BaseURL string
	// DefaultLang is used when neither the message nor the profile tells.
	DefaultLang string
	// AnswerThreshold is the confidence from which an answer is shown
	// alone; below it, two or three hits likely enough together are
	// offered as choices (kb.PolicyFor).
	AnswerThreshold float64
	// FirstResponse is the promised first-response time per priority, in
	// working hours of the calendar.
	FirstResponse map[tickets.Priority]time.Duration
	// TrackLink builds a requester's tracking link for a ticket, inside
	// the transaction that opens it (the web side issues a token); nil:
	// BaseURL/track/NUMBER without a token.
	TrackLink func(ctx context.Context, q sqlx.ExecerContext, ticketID int64, number string) (string, error)
	// ReopenWindow is how long after resolution the user may reopen the
	// ticket by saying it is not solved. 0: seven days.
	ReopenWindow time.Duration
	// Composer, when set, turns the retrieved answers into one grounded
	// reply; when it fails, is slow, or cites badly, the plain KB answer is
	// used.
	Composer Composer
	// Registry receives the engine's metrics; nil: not exported.
	Registry prometheus.Registerer
	// MaxConcurrent caps the messages handled at once. Without grouping
	// each holds a pool connection for its transaction and may need a
	// second one (the knowledge base logs searches on its own), so more
	// handlers than half the pool could starve each other: 0 is then half
	// of the pool's maximum. With grouping a message waiting for its group
	// holds no connection (only the committers do), so 0 is as many as
	// the committers' groups hold at once (GroupCommitters × GroupMax),
	// and never less than half the pool: a cap lower than that kept the
	// groups small, and every group pays its own commit.
	MaxConcurrent int
	// UserRatePerMinute caps how many messages of one chat user the bot
	// works on per minute (UserBurst at once); further ones are recorded
	// for the agents but not answered, after one "slow down" reply. 0: no
	// limit.
	UserRatePerMinute float64
	UserBurst         int
	// GroupMax is the most messages of different conversations handled in
	// one transaction (group commit, group.go); 1: one transaction per
	// message. 0: DefaultGroupMax.
	GroupMax int
	// GroupWait is how long a message that arrives alone waits for others
	// before its transaction starts; 0: none (messages then group only
	// when they arrive while every committer is busy).
	GroupWait time.Duration
	// GroupCommitters is how many groups run at once, each on its own
	// connection. 0: DefaultGroupCommitters.
	GroupCommitters int
	// MarkSentRetry is how long a delivery mark that failed (the database
	// was away) is retried; keep it below bot.resend_unsent_after, or the
	// sweep sends the reply again. 0: one minute.
	MarkSentRetry time.Duration
}

// Engine runs conversations: the same for every channel.
type Engine struct {
	opt     Options
	store   *Store
	users   *agents.Users // presence and round-robin turn
	log     *slog.Logger
	convs   convLocks      // per-conversation order within this process
	slots   chan struct{}  // admission: at most MaxConcurrent transactions
	limiter *userLimiter   // nil: no per-user limit
	marks   sync.WaitGroup // delivery marks being retried
	marker  markBatcher    // delivery marks of concurrent messages, together
	group   *grouper       // messages of different conversations, one transaction
	metrics *metrics

	mu      sync.RWMutex
	senders map[string]Sender
}

// New builds an engine.
func New(opt Options) (*Engine, error) {
	if opt.DB == nil || opt.Tickets == nil || opt.Knowledge == nil || opt.Severity == nil || opt.Calendar == nil {
		return nil, errors.New("bots: DB, Tickets, Knowledge, Severity and Calendar are required")
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.DefaultLang == "" {
		opt.DefaultLang = "it"
	}
	if opt.AnswerThreshold == 0 {
		opt.AnswerThreshold = kb.DefaultThreshold
	}
	if opt.FirstResponse == nil {
		opt.FirstResponse = DefaultFirstResponse()
	}
	if opt.BookkeepingDB == nil {
		opt.BookkeepingDB = opt.DB
	}
	if opt.ReopenWindow <= 0 {
		opt.ReopenWindow = 7 * 24 * time.Hour
	}
	if opt.MarkSentRetry <= 0 {
		opt.MarkSentRetry = time.Minute
	}
	store, err := NewStore()
	if err != nil {
		return nil, err
	}
	store.prepareOn(opt.DB)
	m, err := newMetrics(opt.Registry)
	if err != nil {
		return nil, err
	}
	users, err := agents.NewUsers(opt.DB, nil)
	if err != nil {
		return nil, err
	}
	if opt.GroupMax == 0 {
		opt.GroupMax = DefaultGroupMax
	}
	if opt.GroupCommitters <= 0 {
		opt.GroupCommitters = DefaultGroupCommitters
	}
	if opt.MaxConcurrent <= 0 {
		opt.MaxConcurrent = max(1, opt.DB.Stats().MaxOpenConnections/2)
		if opt.DB.Stats().MaxOpenConnections == 0 {
			opt.MaxConcurrent = 16
		}
		if opt.GroupMax > 1 {
			opt.MaxConcurrent = max(opt.MaxConcurrent, opt.GroupCommitters*opt.GroupMax)
		}
	}
	group := newGrouper(opt.DB, store, groupOptions{max: opt.GroupMax, wait: opt.GroupWait, committers: opt.GroupCommitters})
	return &Engine{opt: opt, store: store, users: users, log: opt.Logger, senders: map[string]Sender{},
		slots: make(chan struct{}, opt.MaxConcurrent), metrics: m, group: group,
		limiter: newUserLimiter(opt.UserRatePerMinute, opt.UserBurst)}, nil
}

// Store returns the conversation store the engine uses.
func (e *Engine) Store() *Store { return e.store }

// HasOpenConversation reports whether (channel, key) has a conversation
// that is not closed (Slack asks it for threads it no longer remembers).
func (e *Engine) HasOpenConversation(ctx context.Context, channel, key string) (bool, error) {
	var open bool
	err := e.opt.DB.GetContext(ctx, &open, e.store.q.HasOpen, channel, key)
	return open, err
}

// SetRetry sets the queue for failed sends (the job runner is built after
// the engine, because its workers call the engine).
func (e *Engine) SetRetry(r RetryQueue) { e.opt.Retry = r }

// RegisterSender sets the sender for a channel's replies.
func (e *Engine) RegisterSender(channel string, s Sender) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.senders[channel] = s
}

func (e *Engine) sender(channel string) Sender {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.senders[channel]
}

// Result says what Handle did.
type Result struct {
	ConversationID int64
	Duplicate      bool       // the event was already handled: nothing done, nothing sent
	Replies        []Outbound // what was recorded and (attempted to be) sent
	TicketNumber   string     // a ticket opened by this message, if any
	RateLimited    bool       // over the user's rate limit: recorded, not worked on
	// Stale: the message pressed a button of an older prompt, or pressed
	// one a second time; nothing changed (adapters do not mark it chosen).
	Stale bool
	// Silence names the deliberate silence (Silences) when the message got
	// no reply; "" when it got one.
	Silence string

	ticketPriority string
	behind         bool                    // an earlier reply of the conversation is still unsent
	afterCommit    []func(context.Context) // the turn's writes outside its transaction (turn.afterCommit)
}

// Handle runs one inbound message through the engine: in one transaction
// it records the message (a redelivered one is a no-op), locks the
// conversation, decides and records the replies and side effects; after
// commit it sends the replies. Messages of one conversation are handled
// one at a time and in order; different conversations in parallel.
func (e *Engine) Handle(ctx context.Context, in Inbound) (res Result, err error) {
	start := time.Now()
	defer func() { e.metrics.handled(in.Channel, res, err, time.Since(start)) }()
	if err := in.validate(cmp.Or(e.opt.MaxTextBytes, MaxTextBytes)); err != nil {
		return Result{}, err
	}
	if in.At.IsZero() {
		in.At = e.opt.Now()
	}
	lock := e.stripe(in.Channel, in.ConversationKey)
	lock.Lock()
	defer lock.Unlock()

	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	m := newMemo()
	payload, _ := json.Marshal(map[string]string{"action": in.Action, "user_name": in.User.Name})
	msg := &Message{Channel: in.Channel, ExternalID: in.ExternalID, Direction: "in",
		Author: in.User.ID, Body: in.Text, Payload: payload, CreatedAt: in.At}
	var fin *finishArg
	for try := 1; ; try++ {
		err = e.group.do(ctx, &openArg{m: msg, key: in.ConversationKey, lang: in.User.Lang, now: e.opt.Now()}, func(tx *sqlx.Tx, open opened) (*finishArg, error) {
			var err error
			res, fin, err = e.handleTx(ctx, tx, in, m, msg, open)
			return fin, err
		})
		if !errors.Is(err, errNeedModel) || try == 4 {
			break
		}
		// Rolled back: ask the model with no transaction open and no pool
		// slot taken (modelcalls.go), then handle the message again.
		<-e.slots
		m.runMissing(ctx)
		select {
		case e.slots <- struct{}{}:
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}
	<-e.slots
	if err != nil {
		if db.IsUnavailable(err) {
			return Result{}, fmt.Errorf("%w: %w", db.ErrUnavailable, err)
		}
		return Result{}, err
	}
	if fin != nil {
		// The replies' ids, which finish-turns set.
		res.behind = fin.behind
		for i := range res.Replies {
			res.Replies[i].MessageID = fin.replies[i].ID
		}
	}
	if res.TicketNumber != "" && res.ticketPriority != "" {
		e.metrics.tickets.WithLabelValues(in.Channel, res.ticketPriority).Inc()
	}
	// Before the replies go: what the user is told ("thanks, noted")
	// is then already recorded when they read it.
	for _, f := range res.afterCommit {
		f(ctx)
	}
	res.afterCommit = nil
	e.deliverBehind(ctx, res.Replies, res.behind)
	return res, nil
}

// stripe returns the in-process lock of one conversation: its messages
// and deliveries one at a time, in order. One lock per conversation (not
// a shared stripe): a message waiting for a language model holds up its
// own conversation only.
func (e *Engine) stripe(channel, key string) sync.Locker {
	return &convLocker{set: &e.convs, key: channel + "\x00" + key}
}

// convLocks are the locks of the conversations being worked on now; an
// entry lives while someone holds or waits for it.
type convLocks struct {
	mu sync.Mutex
	m  map[string]*convLock
}

type convLock struct {
	sync.Mutex
	refs int
}

type convLocker struct {
	set  *convLocks
	key  string
	held *convLock
}

func (c *convLocker) Lock() {
	c.set.mu.Lock()
	if c.set.m == nil {
		c.set.m = map[string]*convLock{}
	}
	l := c.set.m[c.key]
	if l == nil {
		l = &convLock{}
		c.set.m[c.key] = l
	}
	l.refs++
	c.set.mu.Unlock()
	l.Lock()
	c.held = l
}

func (c *convLocker) Unlock() {
	l := c.held
	c.held = nil
	l.Unlock()
	c.set.mu.Lock()
	if l.refs--; l.refs == 0 {
		delete(c.set.m, c.key)
	}
	c.set.mu.Unlock()
}

// turn is the state of one message being handled.
type turn struct {
	tx        *sqlx.Tx
	in        Inbound
	now       time.Time
	conv      *Conversation
	requester *tickets.Requester
	lang      string
	dlg       dialogue
	replies   []Reply
	ticket    *tickets.Ticket
	limit     verdict // the user's rate limit
	silence   string  // a deliberate silence (states.go), when nothing is said
	stale     bool    // a press on a prompt that is no longer live
	memo      *memo   // model answers and searches across tries (modelcalls.go)
	kept      string  // what details added to the ticket keep, when not in.Text (a whole mail)
	events    []turnEvent
	// afterCommit are writes of other stores that must not run inside the
	// message's transaction (they commit on their own): run once, after
	// it committed, however many times the turn itself was tried.
	afterCommit []func(context.Context)
}

// turnEvent is an audit line of the conversation, written with the turn's
// last statement (finish-turns).
type turnEvent struct{ actor, kind, old, new string }

// event appends a line to the conversation's audit trail.
func (t *turn) event(actor, kind, old, new string) {
	t.events = append(t.events, turnEvent{actor, kind, old, new})
}

// setState changes the conversation's state, with its event.
func (t *turn) setState(actor string, to ConversationState) {
	if t.conv.State == to {
		return
	}
	from := t.conv.State
	t.conv.State, t.conv.UpdatedAt = to, t.now
	t.event(actor, "state", string(from), string(to))
}

func (t *turn) say(r Reply) { t.replies = append(t.replies, r) }

func (t *turn) actor() string {
	return "requester:" + strconv.FormatInt(t.requester.ID, 10)
}

// handleTx decides what the message msg (of in) does, in tx: open is
// what open-turns found for it, and the finishArg returned is what
// finish-turns saves (nil: nothing, a redelivery). The Result's replies
// get their ids from it once it ran.
func (e *Engine) handleTx(ctx context.Context, tx *sqlx.Tx, in Inbound, m *memo, msg *Message, open opened) (Result, *finishArg, error) {
	now := e.opt.Now()
	// Most messages come from a known user in an open conversation:
	// open-turns found both, locked the conversation and recorded the
	// message. The first message of a user or of a conversation takes
	// the longer path below.
	var err error
	requester := open.requester
	if requester == nil || (in.User.Name != "" && in.User.Name != requester.Name) || (in.User.Email != "" && in.User.Email != requester.Email) {
		requester, err = e.opt.Tickets.Requester(ctx, tx, tickets.Identity{
			Channel: in.Channel, ExternalID: in.User.ID, Name: in.User.Name, Email: in.User.Email, Lang: in.User.Lang,
		})
		if err != nil {
			return Result{}, nil, err
		}
	}
	if !open.attempted {
		// A new user, or no conversation yet: the requester exists now,
		// so open-turns, run again for this message alone, finds or
		// opens the conversation and records the message.
		if open, err = e.store.openAlone(ctx, tx, openArg{m: msg, key: in.ConversationKey, lang: in.User.Lang, now: now}); err != nil {
			return Result{}, nil, err
		}
	}
	conv, isNew := open.conversation, open.recorded
	msg.ConversationID = conv.ID
	if !isNew {
		return Result{ConversationID: conv.ID, Duplicate: true}, nil, nil
	}

	if m.limit == nil {
		v := e.limiter.take(in.Channel+"\x00"+in.User.ID, now)
		m.limit = &v
	}
	t := &turn{tx: tx, in: in, now: now, conv: conv, requester: requester, limit: *m.limit, memo: m}
	if err := json.Unmarshal(conv.Context, &t.dlg); err != nil {
		t.dlg = dialogue{} // an unreadable context starts the dialogue afresh
	}
	t.lang = conv.Lang
	if in.Text != "" {
		if d := nlp.DetectLanguage(in.Text, conv.Lang); d.Sure {
			t.lang = d.Lang
		}
	}
	conv.Lang = t.lang
	conv.LastMessageAt = now

	previous := t.dlg.Prompt
	if err := e.respond(ctx, t); err != nil {
		return Result{}, nil, err
	}
	// The buttons just offered are the live prompt, numbered with this
	// message's id (prompts.go).
	settlePrompt(&t.dlg, t.replies, msg.ID, previous)

	if conv.State != StateBot {
		// Agents' consoles follow queued and held conversations live.
		if err := e.notify(ctx, tx, conv.ID); err != nil {
			return Result{}, nil, err
		}
	}
	ctxJSON, err := json.Marshal(t.dlg)
	if err != nil {
		return Result{}, nil, err
	}
	conv.Context, conv.UpdatedAt = ctxJSON, now
	res := Result{ConversationID: conv.ID, RateLimited: t.limit != allowed, Stale: t.stale, Silence: t.silence,
		afterCommit: t.afterCommit}
	if t.ticket != nil {
		res.TicketNumber, res.ticketPriority = t.ticket.Number, string(t.ticket.Priority)
	}
	outs := make([]*Message, len(t.replies))
	for i, r := range t.replies {
		body, _ := json.Marshal(r)
		outs[i] = &Message{ConversationID: conv.ID, Channel: in.Channel,
			ExternalID: fmt.Sprintf("out:%d:%d", msg.ID, i), Direction: "out", Author: "bot",
			Body: r.Text, Payload: body, CreatedAt: now}
	}
	for i := range outs {
		res.Replies = append(res.Replies, Outbound{ExternalID: outs[i].ExternalID,
			Channel: in.Channel, ConversationKey: in.ConversationKey, Reply: t.replies[i]})
	}
	// The conversation's new state and the replies: finish-turns, for
	// the whole group at once.
	return res, &finishArg{conv: conv, replies: outs, events: t.events}, nil
}

// queueCalendar is the calendar of a level's queue: whether the desk
// answers now and when it reopens.
func (e *Engine) queueCalendar(level int) Calendar {
	if e.opt.Calendars != nil {
		return e.opt.Calendars.Level(max(level, 1))
	}
	return e.opt.Calendar
}

// promiseCalendar is the calendar tk's first response is counted on: the
// one the SLA clock uses, so the bot promises what the console measures.
func (e *Engine) promiseCalendar(tk *tickets.Ticket) Calendar {
	if e.opt.Calendars != nil {
		return e.opt.Calendars.For(tk, tickets.TargetFirstResponse)
	}
	return e.opt.Calendar
}
