// SPDX-License-Identifier: EUPL-1.2

// Package triage runs the triage channel of the help desk in Slack or
// Mattermost. Each conversation handed over to people (state queued) gets
// a card there, with the summary an agent needs and the buttons Take and
// Escalate; the card's thread then carries the whole conversation: the
// user's later messages, the bot's and the agents' replies (also those
// written in the web console). An agent's reply in the thread reaches the
// user on the user's own channel through the engine, so a Telegram or web
// user can be served from Slack; a reply starting with the note prefix
// ("!") or with "note" stays internal; commands in the thread take,
// escalate, route, resolve and hand the conversation back.
//
// Chat accounts are mapped to console users (users.slack_user_id,
// users.mattermost_user_id, or the profile's e-mail), so an agent has the
// same rights and leaves the same audit trail wherever they work.
//
// Handoffs are found through PostgreSQL's LISTEN helpdesk_conversations
// (the engine notifies on every change of a conversation people follow)
// and a periodic catch-up poll, so nothing is missed across restarts and
// instances; a unique key makes exactly one instance post each card.
package triage

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/adapters/mattermost"
	"helpdesk/adapters/slack"
	"helpdesk/bots"
	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

type queries struct {
	Conversation       string `query:"conversation"`
	CardOfConversation string `query:"card-of-conversation"`
	CardOfThread       string `query:"card-of-thread"`
	Handoffs           string `query:"handoffs"`
	ClaimCard          string `query:"claim-card"`
	ReclaimCard        string `query:"reclaim-card"`
	DropClaim          string `query:"drop-claim"`
	CardPosted         string `query:"card-posted"`
	LockCard           string `query:"lock-card"`
	MessagesAfter      string `query:"messages-after"`
	SetRelayed         string `query:"set-relayed"`
	Pending            string `query:"pending"`
	SeenEvent          string `query:"seen-event"`
	ForgetEvents       string `query:"forget-events"`
	CardFacts          string `query:"card-facts"`
	UserName           string `query:"user-name"`
	AgentBySlack       string `query:"agent-by-slack"`
	AgentByMattermost  string `query:"agent-by-mattermost"`
	AgentByEmail       string `query:"agent-by-email"`
	LinkSlack          string `query:"link-slack"`
	LinkMattermost     string `query:"link-mattermost"`
	UnseeEvent         string `query:"unsee-event"`
	LastMessage        string `query:"last-message"`
	UnpostedClaims     string `query:"unposted-claims"`
}

// Platforms a triage channel can live on.
const (
	PlatformSlack      = "slack"
	PlatformMattermost = "mattermost"
)

// ErrConfig is wrapped by every configuration problem New finds.
var ErrConfig = errors.New("triage configuration")

// Engine is what the relay needs of the conversation engine: the agents'
// operations (bots.Engine has them).
type Engine interface {
	Take(ctx context.Context, convID int64, agent bots.Agent) error
	Reply(ctx context.Context, convID int64, agent bots.Agent, body string) error
	Note(ctx context.Context, convID int64, agent bots.Agent, body string) error
	Escalate(ctx context.Context, convID int64, agent bots.Agent, reason string) error
	RouteExternal(ctx context.Context, convID int64, agent bots.Agent, org, email string) error
	HandBack(ctx context.Context, convID int64, agent bots.Agent) error
	Resolve(ctx context.Context, convID int64, agent bots.Agent, code, note string) error
}

// Config is the triage channel's configuration.
type Config struct {
	// Platform is "slack" or "mattermost": where the triage channel is.
	Platform string
	// ChannelID is the triage channel's id (Slack "C…"/"G…", Mattermost
	// the 26-character channel id). The bot must be a member.
	ChannelID string
	// NotePrefix starts an internal note in a thread (default "!"); a
	// message starting with "note"/"nota" is a note as well.
	NotePrefix string
	// Lang is the language of the cards: "it" (default) or "en".
	Lang string
	// DatabaseURL is the PostgreSQL connection string the relay LISTENs
	// on (a connection of its own). Empty: only the poll finds work.
	DatabaseURL string
	// PollInterval is how often the relay looks for handoffs and
	// messages a notification may have missed (default 30s).
	PollInterval time.Duration
	// ClaimTimeout is how long a card claimed by an instance may stay
	// unposted before another instance posts it (default 2m).
	ClaimTimeout time.Duration
	// ClosureCodes are the codes `resolve` accepts: the console's list
	// (console.closure_codes); empty means bots.DefaultClosureCodes.
	ClosureCodes bots.ClosureCodes
}

// Option changes how New builds the relay.
type Option func(*Relay)

// WithDB sets the database (required): the pool the engine uses.
func WithDB(pool *sqlx.DB) Option { return func(r *Relay) { r.db = pool } }

// WithSlack sets the Slack adapter the triage channel lives on; New
// diverts the channel's events to the relay.
func WithSlack(a *slack.Adapter) Option {
	return func(r *Relay) { r.slack = a }
}

// WithMattermost sets the Mattermost adapter the triage channel lives on.
func WithMattermost(a *mattermost.Adapter) Option {
	return func(r *Relay) { r.mm = a }
}

// WithClock sets the relay's clock.
func WithClock(now func() time.Time) Option { return func(r *Relay) { r.now = now } }

// Relay is the triage channel: cards, thread relay and thread commands.
type Relay struct {
	cfg   Config
	eng   Engine
	db    *sqlx.DB
	log   *slog.Logger
	now   func() time.Time
	q     queries
	slack *slack.Adapter
	mm    *mattermost.Adapter
	chat  platform

	mu      sync.Mutex
	events  []event        // thread events waiting, in arrival order
	pending map[int64]bool // conversations waiting to be synced
	order   []int64
	syncing bool // a conversation taken from order is being synced
	wake    chan struct{}
	kick    chan struct{}

	listening chan struct{} // closed once LISTEN is active
	catchUps  atomic.Int64  // catch-ups done, for tests that wait for polls
}

// event is a message or button press in the triage channel.
type event struct {
	ID, Thread, User, UserName, Text, Action string
}

// platform is the chat the triage channel lives on.
type platform interface {
	name() string
	post(ctx context.Context, channel, thread string, r bots.Reply) (string, error)
	profile(ctx context.Context, user string) bots.User
}

type slackChat struct{ a *slack.Adapter }

func (slackChat) name() string { return PlatformSlack }
func (s slackChat) post(ctx context.Context, channel, thread string, r bots.Reply) (string, error) {
	return s.a.PostMessage(ctx, channel, thread, r)
}
func (s slackChat) profile(ctx context.Context, user string) bots.User {
	u, _ := s.a.Profile(ctx, user)
	return u
}

type mattermostChat struct{ a *mattermost.Adapter }

func (mattermostChat) name() string { return PlatformMattermost }
func (m mattermostChat) post(ctx context.Context, channel, thread string, r bots.Reply) (string, error) {
	return m.a.PostMessage(ctx, channel, thread, r)
}
func (m mattermostChat) profile(ctx context.Context, user string) bots.User {
	return m.a.Profile(ctx, user)
}

// New builds the relay and diverts the triage channel's events from the
// platform's adapter to it. Nothing runs before Run.
func New(cfg Config, eng Engine, log *slog.Logger, opts ...Option) (*Relay, error) {
	if log == nil {
		log = slog.Default()
	}
	r := &Relay{eng: eng, log: log.With("component", "triage"), now: time.Now,
		pending: map[int64]bool{}, wake: make(chan struct{}, 1), kick: make(chan struct{}, 1),
		listening: make(chan struct{})}
	for _, o := range opts {
		o(r)
	}
	cfg.Platform = strings.ToLower(strings.TrimSpace(cfg.Platform))
	cfg.ChannelID = strings.TrimSpace(cfg.ChannelID)
	if cfg.NotePrefix == "" {
		cfg.NotePrefix = "!"
	}
	if cfg.Lang != "en" {
		cfg.Lang = "it"
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 30 * time.Second
	}
	if cfg.ClaimTimeout <= 0 {
		cfg.ClaimTimeout = 2 * time.Minute
	}
	if len(cfg.ClosureCodes) == 0 {
		cfg.ClosureCodes = bots.DefaultClosureCodes
	}
	r.cfg = cfg
	var problems []string
	if eng == nil {
		problems = append(problems, "no engine")
	}
	if r.db == nil {
		problems = append(problems, "no database (WithDB)")
	}
	if cfg.ChannelID == "" {
		problems = append(problems, "the triage channel id is empty")
	}
	switch cfg.Platform {
	case PlatformSlack:
		if r.slack == nil {
			problems = append(problems, "platform slack needs the Slack channel configured and running (WithSlack)")
		} else {
			r.chat = slackChat{r.slack}
		}
	case PlatformMattermost:
		if r.mm == nil {
			problems = append(problems, "platform mattermost needs the Mattermost channel configured and running (WithMattermost)")
		} else {
			r.chat = mattermostChat{r.mm}
		}
	default:
		problems = append(problems, fmt.Sprintf("platform %q is unknown: use slack or mattermost", cfg.Platform))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrConfig, strings.Join(problems, "; "))
	}
	if err := dbScan(&r.q); err != nil {
		return nil, err
	}
	switch cfg.Platform {
	case PlatformSlack:
		r.slack.SetTriage(cfg.ChannelID, func(_ context.Context, ev slack.TriageEvent) {
			r.enqueue(event{ID: ev.ID, Thread: ev.Thread, User: ev.User, UserName: ev.UserName, Text: ev.Text, Action: ev.Action})
		})
	case PlatformMattermost:
		r.mm.SetTriage(cfg.ChannelID, func(_ context.Context, ev mattermost.TriageEvent) {
			r.enqueue(event{ID: ev.ID, Thread: ev.Thread, User: ev.User, UserName: ev.UserName, Text: ev.Text, Action: ev.Action})
		})
	}
	return r, nil
}

// maxQueued bounds the thread events waiting; beyond it the oldest are
// dropped (logged): agents retype, the desk keeps running.
const maxQueued = 10_000

func (r *Relay) enqueue(ev event) {
	r.mu.Lock()
	if len(r.events) >= maxQueued {
		r.log.Error("triage: too many thread events waiting; dropping the oldest", "event_id", r.events[0].ID)
		r.events = r.events[1:]
	}
	r.events = append(r.events, ev)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// touch marks a conversation to be synced (card, relay).
func (r *Relay) touch(id int64) {
	r.mu.Lock()
	if !r.pending[id] {
		r.pending[id] = true
		r.order = append(r.order, id)
	}
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func dbScan(q *queries) error { return db.ScanQueries(q, queryFS, "queries.sql") }
