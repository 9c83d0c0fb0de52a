// SPDX-License-Identifier: EUPL-1.2

// Package mattermost connects the help desk to a Mattermost server through
// a bot account: it reads posts from a WebSocket (direct messages to the
// bot and mentions of it in channels), turns them into bots.Inbound, and
// posts the engine's replies back with the REST API, rendering buttons as
// interactive message attachments (or as numbered choices when no callback
// URL is configured). No Mattermost type leaves this package.
package mattermost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jmoiron/sqlx"
	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/pause"
)

// Channel is the engine's name for this channel.
const Channel = "mattermost"

// ActionPath is where Routes serves the interactive-button callback. The
// Mattermost server must reach it at Config.CallbackURL.
const ActionPath = "/mattermost/actions"

// Errors of the adapter.
var (
	// ErrConfig is returned by New for a configuration that cannot work.
	ErrConfig = errors.New("mattermost: configuration")
	// ErrRateLimited is returned by Send when the server keeps answering
	// 429 longer than Config.MaxRetryWait; the engine retries the reply
	// later with a durable job.
	ErrRateLimited = errors.New("mattermost: rate limited")
	// ErrUnauthorized means the server rejected the token.
	ErrUnauthorized = errors.New("mattermost: token rejected")
)

// Handler is what the adapter needs of the conversation engine.
type Handler interface {
	Handle(ctx context.Context, in bots.Inbound) (bots.Result, error)
}

// Config is the adapter's configuration; the service maps its own
// configuration (HELPDESK_CHANNELS_MATTERMOST_*) onto it.
type Config struct {
	// URL is the Mattermost server's base URL as the desk reaches it,
	// e.g. "https://chat.example.org" (no /api/v4).
	URL string
	// Token is the bot account's access token.
	Token string
	// CallbackURL is the full URL of this service's ActionPath as the
	// Mattermost server reaches it, e.g.
	// "https://helpdesk.example.org/mattermost/actions". Empty: buttons are
	// rendered as numbered choices the user answers by typing the number.
	CallbackURL string
	// ActionSecret is the shared secret carried in each button's context
	// and checked on every callback. Required with CallbackURL; at least
	// 16 characters.
	ActionSecret string
	// IgnoreMentions makes the bot answer direct messages only; by default
	// it also answers @-mentions in channels, in a thread.
	IgnoreMentions bool
	// MaxRetryWait is the longest Retry-After a send waits for by itself
	// before giving the reply back to the engine's durable retry (default
	// 10s).
	MaxRetryWait time.Duration
}

// Option changes how New builds the adapter (mostly for tests).
type Option func(*Adapter)

// WithHTTPClient sets the HTTP client of the REST calls; the WebSocket
// dialer takes over its TLS settings (e.g. the CA of an internal server).
func WithHTTPClient(c *http.Client) Option { return func(a *Adapter) { a.httpClient = c } }

// WithBackoff sets the reconnection backoff of the WebSocket: the first
// wait and the longest one (defaults 1s and 1m).
func WithBackoff(first, longest time.Duration) Option {
	return func(a *Adapter) { a.backoffMin, a.backoffMax = first, longest }
}

// WithDB keeps the catch-up cursors (the newest post handled in each
// channel the bot listens in) in PostgreSQL, so that posts written while
// the service was down are read at the next start.
func WithDB(pool *sqlx.DB) Option { return func(a *Adapter) { a.pool = pool } }

// WithClock sets the clock used for the time of button presses.
func WithClock(now func() time.Time) Option { return func(a *Adapter) { a.now = now } }

// Adapter is the Mattermost channel: a WebSocket reader (Run), a sender
// (Send), the button callback (Routes) and a configuration check (Check).
type Adapter struct {
	cfg        Config
	h          Handler
	log        *slog.Logger
	client     *model.Client4
	httpClient *http.Client
	wsURL      string
	dialer     *websocket.Dialer
	backoffMin time.Duration
	backoffMax time.Duration
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error

	mu      sync.Mutex
	bot     *model.User
	dms     map[string]string // user id → direct channel id
	users   map[string]cachedUser
	threads map[string]bool // thread root id → the bot takes part

	// catchUp remembers what a new connection must read again (catchup.go).
	catchUp catchUpState
	pool    *sqlx.DB // WithDB: where catchUp is kept

	triage triageSet // the triage channel, whose events skip the engine

	// onConnect, when set (tests), sees each new WebSocket client.
	onConnect func(*model.WebSocketClient)
}

type cachedUser struct {
	user bots.User
	at   time.Time
}

// userTTL is how long a looked-up profile is trusted.
const userTTL = 15 * time.Minute

// New builds the adapter. It does not contact the server: Check does, and
// Run connects.
func New(cfg Config, h Handler, log *slog.Logger, opts ...Option) (*Adapter, error) {
	u, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	switch {
	case cfg.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, fmt.Errorf("%w: URL %q must be the server's http(s) address", ErrConfig, cfg.URL)
	case cfg.Token == "":
		return nil, fmt.Errorf("%w: the bot access token is empty", ErrConfig)
	case h == nil:
		return nil, fmt.Errorf("%w: no handler", ErrConfig)
	}
	if cfg.CallbackURL != "" {
		cu, err := url.Parse(cfg.CallbackURL)
		if err != nil || (cu.Scheme != "http" && cu.Scheme != "https") || cu.Host == "" {
			return nil, fmt.Errorf("%w: callback URL %q must be an absolute http(s) URL", ErrConfig, cfg.CallbackURL)
		}
		if len(cfg.ActionSecret) < 16 {
			return nil, fmt.Errorf("%w: the action secret must be at least 16 characters when a callback URL is set", ErrConfig)
		}
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 10 * time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	a := &Adapter{
		cfg: cfg, h: h, log: log.With("channel", Channel),
		httpClient: &http.Client{Timeout: 30 * time.Second},
		backoffMin: time.Second, backoffMax: time.Minute,
		now:     time.Now,
		sleep:   pause.For,
		dms:     map[string]string{},
		users:   map[string]cachedUser{},
		threads: map[string]bool{},
	}
	for _, o := range opts {
		o(a)
	}
	if a.pool != nil {
		store, err := newPGCursors(a.pool, u.String())
		if err != nil {
			return nil, err
		}
		a.catchUp.store = store
	}
	a.client = model.NewAPIv4Client(u.String())
	a.client.HTTPClient = a.httpClient
	a.client.SetToken(cfg.Token)
	ws := *u
	if u.Scheme == "https" {
		ws.Scheme = "wss"
	} else {
		ws.Scheme = "ws"
	}
	a.wsURL = ws.String()
	a.dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 15 * time.Second}
	// The socket trusts what the REST client trusts (e.g. an internal CA).
	if tr, ok := a.httpClient.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil {
		a.dialer.TLSClientConfig = tr.TLSClientConfig.Clone()
	}
	return a, nil
}

// botUser returns the bot's own account, asking the server once.
func (a *Adapter) botUser(ctx context.Context) (*model.User, error) {
	a.mu.Lock()
	bot := a.bot
	a.mu.Unlock()
	if bot != nil {
		return bot, nil
	}
	me, resp, err := a.client.GetMe(ctx, "")
	if err != nil {
		return nil, explain(resp, err, "get the bot account (users/me)")
	}
	a.mu.Lock()
	a.bot = me
	a.mu.Unlock()
	return me, nil
}

// explain wraps a REST error with what the administrator can do about it.
func explain(resp *model.Response, err error, what string) error {
	if resp == nil || resp.StatusCode == 0 {
		return fmt.Errorf("mattermost: %s: cannot reach the server (check the URL and the network): %w", what, err)
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return fmt.Errorf("%w: %s answered 401: create a new access token for the bot account (System Console → Integrations → Bot Accounts) and configure it: %v", ErrUnauthorized, what, err)
	case http.StatusForbidden:
		return fmt.Errorf("mattermost: %s answered 403: the bot lacks a permission (is it a member of the team, and may it post?): %w", what, err)
	case http.StatusTooManyRequests:
		return fmt.Errorf("%w: %s: %v", ErrRateLimited, what, err)
	}
	return fmt.Errorf("mattermost: %s answered %d: %w", what, resp.StatusCode, err)
}

// Check asks the server who the token belongs to and says what is wrong:
// an unreachable URL, a rejected token, or a token of a person instead of
// a bot account.
func (a *Adapter) Check(ctx context.Context) error {
	me, resp, err := a.client.GetMe(ctx, "")
	if err != nil {
		return explain(resp, err, "check the token (GET /api/v4/users/me)")
	}
	if !me.IsBot {
		return fmt.Errorf("mattermost: the token belongs to the user @%s, not to a bot account: create a bot (System Console → Integrations → Bot Accounts) and use its token", me.Username)
	}
	a.mu.Lock()
	a.bot = me
	a.mu.Unlock()
	return nil
}

// profile returns the writer as the engine wants them, cached for a while;
// when the lookup fails the id alone is enough for the engine.
func (a *Adapter) profile(ctx context.Context, userID, fallbackName string) bots.User {
	a.mu.Lock()
	c, ok := a.users[userID]
	a.mu.Unlock()
	if ok && a.now().Sub(c.at) < userTTL {
		return c.user
	}
	u, resp, err := a.client.GetUser(ctx, userID, "")
	if err != nil {
		a.log.Warn("look up user", "user_id", userID, "err", explain(resp, err, "get user"))
		return bots.User{ID: userID, Name: strings.TrimPrefix(fallbackName, "@")}
	}
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.Username
	}
	bu := bots.User{ID: userID, Name: name, Email: u.Email, Lang: u.Locale}
	a.mu.Lock()
	if len(a.users) > 10000 { // a bound, not an eviction policy: profiles are cheap to fetch again
		a.users = map[string]cachedUser{}
	}
	a.users[userID] = cachedUser{user: bu, at: a.now()}
	a.mu.Unlock()
	return bu
}
