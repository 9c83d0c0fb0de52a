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
//
// The relay imports no chat adapter: it receives Events and posts through
// a Poster, and cmd/helpdesk connects it to the Slack or Mattermost
// adapter (both are Posters, and their TriageEvent converts to Event).
// The agents' operations are bots.AgentActions, as in the web console.
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

// WithPoster sets the chat the triage channel lives on (required): the
// Slack or Mattermost adapter, whose triage events the caller passes to
// Receive.
func WithPoster(p Poster) Option { return func(r *Relay) { r.chat = p } }

// WithClock sets the relay's clock.
func WithClock(now func() time.Time) Option { return func(r *Relay) { r.now = now } }

// Relay is the triage channel: cards, thread relay and thread commands.
type Relay struct {
	cfg  Config
	eng  bots.AgentActions
	db   *sqlx.DB
	log  *slog.Logger
	now  func() time.Time
	q    queries
	chat Poster

	mu      sync.Mutex
	events  []Event        // thread events waiting, in arrival order
	pending map[int64]bool // conversations waiting to be synced
	order   []int64
	syncing bool // a conversation taken from order is being synced
	wake    chan struct{}
	kick    chan struct{}

	listening chan struct{} // closed once LISTEN is active
	catchUps  atomic.Int64  // catch-ups done, for tests that wait for polls
}

// Event is a message or a button press in the triage channel, as the
// Slack or Mattermost adapter reports it: agents at work, not users asking
// for help. Its fields are those of the adapters' own TriageEvent, so the
// wiring converts one into the other (triage.Event(ev)) and the relay
// never sees a platform's type.
type Event struct {
	// ID is stable per event: a redelivery carries the same one.
	ID string
	// Channel is the triage channel's id.
	Channel string
	// Thread is the thread's root (Slack ts, Mattermost post id); "" for a
	// message at the top level of the channel.
	Thread string
	// User is the writer's chat user id, UserName their name if known.
	User, UserName string
	// Text is the message as plain text (the bot's mention removed).
	Text string
	// Action is the pressed button's action; empty for a message.
	Action string
}

// Poster is what the relay needs of the chat the triage channel lives on
// (the Slack and Mattermost adapters implement it).
type Poster interface {
	// PostMessage posts r in channel, in thread when not empty, and
	// returns the new message's id (the thread to answer in, for a
	// message at the top level).
	PostMessage(ctx context.Context, channel, thread string, r bots.Reply) (string, error)
	// Profile is a chat user's name and e-mail, as far as known: an empty
	// profile when the chat cannot tell.
	Profile(ctx context.Context, user string) bots.User
}

// New builds the relay. The caller passes the triage channel's events to
// Receive (the Slack or Mattermost adapter's SetTriage hook). Nothing runs
// before Run.
func New(cfg Config, eng bots.AgentActions, log *slog.Logger, opts ...Option) (*Relay, error) {
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
	case PlatformSlack, PlatformMattermost:
	default:
		problems = append(problems, fmt.Sprintf("platform %q is unknown: use slack or mattermost", cfg.Platform))
	}
	if r.chat == nil {
		problems = append(problems, "no chat to post in (WithPoster)")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrConfig, strings.Join(problems, "; "))
	}
	if err := dbScan(&r.q); err != nil {
		return nil, err
	}
	return r, nil
}

// maxQueued bounds the thread events waiting; beyond it the oldest are
// dropped (logged): agents retype, the desk keeps running.
const maxQueued = 10_000

// Receive queues an event of the triage channel for the relay. It returns
// at once, so the adapter can call it on its receiving path.
func (r *Relay) Receive(ev Event) {
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
