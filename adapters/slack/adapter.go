// SPDX-License-Identifier: EUPL-1.2

// Package slack connects the help-desk bot to Slack: direct messages to
// the bot and mentions in channels (answered in a thread) become
// bots.Inbound, and replies go out as Block Kit messages whose buttons
// come back as Inbound actions.
//
// Events arrive either over Socket Mode (the default: an outbound
// WebSocket opened with an app-level xapp- token, so the desk needs no
// public URL) or over the HTTP Events API (requests signed with the
// app's signing secret). Both paths feed the same decoders, the same
// per-conversation queues and the same engine. No slack-go type leaves
// this package.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"helpdesk/bots"
	"helpdesk/internal/pause"
)

// Channel is the engine's name for this channel.
const Channel = "slack"

// Modes of receiving events.
const (
	ModeSocket = "socket" // Socket Mode: outbound WebSocket, app-level token
	ModeHTTP   = "http"   // Events API: Slack POSTs to our Request URL
)

// ErrConfig is wrapped by every configuration problem New and Check find.
var ErrConfig = errors.New("slack configuration")

// Handler is what the adapter needs of the conversation engine.
type Handler interface {
	Handle(ctx context.Context, in bots.Inbound) (bots.Result, error)
}

// Config is the adapter's configuration. Durations left at zero take the
// defaults shown.
type Config struct {
	// Mode is "socket" (default) or "http".
	Mode string
	// BotToken is the Bot User OAuth Token (xoxb-…), used for every Web
	// API call: chat.postMessage, users.info, auth.test.
	BotToken string
	// AppToken is the app-level token (xapp-…) with the
	// connections:write scope; required in socket mode.
	AppToken string
	// SigningSecret checks the signature of Events API and interactivity
	// requests; required in http mode.
	SigningSecret string
	// SendInterval is the least time between two messages to the same
	// Slack channel (Slack allows about one per second). Default 1s.
	SendInterval time.Duration
	// MaxRateLimitWait is the longest Retry-After the adapter waits out
	// itself when Slack answers 429; a longer one (or a third 429) makes
	// Send fail, and the engine retries the reply as a durable job.
	// Default 30s.
	MaxRateLimitWait time.Duration
	// UserCacheTTL is how long a users.info answer (name, e-mail, locale)
	// is reused. Default 1h.
	UserCacheTTL time.Duration
	// ThreadMemory is how long a channel thread the bot answered in keeps
	// being followed without a new mention. Default 24h.
	ThreadMemory time.Duration
}

func (c *Config) defaults() {
	c.Mode = strings.ToLower(strings.TrimSpace(c.Mode))
	if c.Mode == "" {
		c.Mode = ModeSocket
	}
	if c.SendInterval == 0 {
		c.SendInterval = time.Second
	}
	if c.MaxRateLimitWait == 0 {
		c.MaxRateLimitWait = 30 * time.Second
	}
	if c.UserCacheTTL == 0 {
		c.UserCacheTTL = time.Hour
	}
	if c.ThreadMemory == 0 {
		c.ThreadMemory = 24 * time.Hour
	}
}

// validate checks what can be checked without calling Slack.
func (c *Config) validate() error {
	var problems []string
	switch {
	case c.BotToken == "":
		problems = append(problems, "the bot token is missing: copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page")
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		problems = append(problems, "the bot token does not start with xoxb-: use the Bot User OAuth Token, not a user (xoxp-) or app-level (xapp-) token")
	}
	switch c.Mode {
	case ModeSocket:
		switch {
		case c.AppToken == "":
			problems = append(problems, "socket mode needs an app-level token (xapp-…): create one under Basic Information → App-Level Tokens with the connections:write scope")
		case !strings.HasPrefix(c.AppToken, "xapp-"):
			problems = append(problems, "the app token does not start with xapp-: socket mode needs an app-level token with the connections:write scope")
		}
	case ModeHTTP:
		if c.SigningSecret == "" {
			problems = append(problems, "http mode needs the signing secret (Basic Information → App Credentials → Signing Secret)")
		}
	default:
		problems = append(problems, fmt.Sprintf("mode %q is unknown: use socket or http", c.Mode))
	}
	if c.SendInterval < 0 || c.MaxRateLimitWait < 0 || c.UserCacheTTL < 0 || c.ThreadMemory < 0 {
		problems = append(problems, "durations must not be negative")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrConfig, strings.Join(problems, "; "))
	}
	return nil
}

// Option changes how the adapter is built; tests use them to point the
// production client at a fake server.
type Option func(*Adapter)

// WithAPIURL sends Web API calls to url (Slack's is
// https://slack.com/api/); a trailing slash is added when missing.
func WithAPIURL(url string) Option {
	return func(a *Adapter) {
		if !strings.HasSuffix(url, "/") {
			url += "/"
		}
		a.apiURL = url
	}
}

// WithHTTPClient sets the client for Web API calls.
func WithHTTPClient(c *http.Client) Option {
	return func(a *Adapter) { a.httpClient = c }
}

// WithClock sets the clock that paces sends and expires caches.
func WithClock(now func() time.Time) Option {
	return func(a *Adapter) { a.now = now }
}

// WithSocketPingInterval sets how long Socket Mode waits for Slack's
// WebSocket ping before it reconnects (the library's default is 30s).
func WithSocketPingInterval(d time.Duration) Option {
	return func(a *Adapter) { a.pingInterval = d }
}

// WithOpenConversation lets the adapter ask whether a channel thread
// (its conversation key, "C123/1700000000.000100") still has an open
// conversation, when the thread is not in its in-memory list, e.g. after
// a restart. Without it such a thread needs a new mention.
func WithOpenConversation(open func(ctx context.Context, conversationKey string) (bool, error)) Option {
	return func(a *Adapter) { a.openConversation = open }
}

// Adapter is the Slack channel: it receives events (Run, Routes), hands
// them to the engine and delivers the engine's replies (Send).
type Adapter struct {
	cfg              Config
	h                Handler
	log              *slog.Logger
	api              *slackgo.Client
	apiURL           string
	httpClient       *http.Client
	now              func() time.Time
	sleep            func(ctx context.Context, d time.Duration) error
	pingInterval     time.Duration
	openConversation func(ctx context.Context, key string) (bool, error)
	httpWait         time.Duration // how long an Events API request waits for the engine
	retryBase        time.Duration // first wait when the database is unavailable

	lanes   *lanes
	users   *userCache
	threads *threadSet
	pacer   *pacer
	sent    *recentSet

	scopesMu sync.Mutex
	scopes   string // X-OAuth-Scopes of the last auth.test

	selfMu sync.Mutex
	self   string // the bot's user id, from auth.test

	triage triageSet // the triage channel, whose events skip the engine
}

// New builds the adapter. It calls nothing on Slack: Run connects, Check
// tests the credentials.
func New(cfg Config, h Handler, log *slog.Logger, opts ...Option) (*Adapter, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("slack: a handler is required")
	}
	if log == nil {
		log = slog.Default()
	}
	a := &Adapter{cfg: cfg, h: h, log: log.With("channel", Channel), now: time.Now, sleep: pause.For,
		httpWait: 2500 * time.Millisecond, retryBase: time.Second}
	for _, o := range opts {
		o(a)
	}
	apiOpts := []slackgo.Option{
		slackgo.OptionOnResponseHeaders(func(path string, h http.Header) {
			if path == "auth.test" {
				a.scopesMu.Lock()
				a.scopes = h.Get("X-OAuth-Scopes")
				a.scopesMu.Unlock()
			}
		}),
	}
	if cfg.AppToken != "" {
		apiOpts = append(apiOpts, slackgo.OptionAppLevelToken(cfg.AppToken))
	}
	if a.apiURL != "" {
		apiOpts = append(apiOpts, slackgo.OptionAPIURL(a.apiURL))
	}
	if a.httpClient != nil {
		apiOpts = append(apiOpts, slackgo.OptionHTTPClient(a.httpClient))
	}
	a.api = slackgo.New(cfg.BotToken, apiOpts...)
	a.lanes = newLanes(a.process)
	a.users = newUserCache(cfg.UserCacheTTL)
	a.threads = newThreadSet(cfg.ThreadMemory, 50_000)
	a.pacer = newPacer(cfg.SendInterval)
	a.sent = newRecentSet(10_000)
	return a, nil
}

// Mode returns the configured way of receiving events.
func (a *Adapter) Mode() string { return a.cfg.Mode }

// Run receives events until ctx ends. In socket mode it keeps a Socket
// Mode connection open, reconnecting with backoff; in http mode events
// come through Routes and Run only waits. Either way, when ctx ends Run
// waits for the messages being handled to finish.
func (a *Adapter) Run(ctx context.Context) error {
	a.lanes.start(ctx)
	defer a.lanes.wait()
	if _, err := a.botUserID(ctx); err != nil {
		a.log.Warn("slack auth.test failed; will retry", "err", err)
	}
	if a.cfg.Mode == ModeSocket {
		return a.runSocket(ctx)
	}
	<-ctx.Done()
	return nil
}

// botUserID returns the bot's own user id, asking auth.test once.
func (a *Adapter) botUserID(ctx context.Context) (string, error) {
	a.selfMu.Lock()
	defer a.selfMu.Unlock()
	if a.self != "" {
		return a.self, nil
	}
	res, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return "", err
	}
	a.self = res.UserID
	return a.self, nil
}

// requiredScopes are the bot token scopes without which the desk cannot
// work; optionalScopes degrade it (said in Check's error too).
var (
	requiredScopes = []string{"chat:write", "im:history", "app_mentions:read", "users:read"}
	optionalScopes = map[string]string{
		"users:read.email": "without it the bot asks every user for an e-mail address",
		"channels:history": "without it, follow-ups in public-channel threads need a new @mention",
		"groups:history":   "without it, follow-ups in private-channel threads need a new @mention",
	}
)

// Check calls Slack with the configured credentials and says exactly
// what is wrong: a refused or wrong-kind token, missing scopes, an
// app-level token that cannot open Socket Mode connections.
func (a *Adapter) Check(ctx context.Context) error {
	res, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("%w: auth.test with the bot token failed: %s", ErrConfig, explain(err, "bot token"))
	}
	a.selfMu.Lock()
	a.self = res.UserID
	a.selfMu.Unlock()
	a.scopesMu.Lock()
	granted := a.scopes
	a.scopesMu.Unlock()
	var problems []string
	if granted != "" {
		have := map[string]bool{}
		for _, s := range strings.Split(granted, ",") {
			have[strings.TrimSpace(s)] = true
		}
		var missing []string
		for _, s := range requiredScopes {
			if !have[s] {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("the bot token lacks the scopes %s: add them under OAuth & Permissions → Bot Token Scopes (or update the manifest) and reinstall the app", strings.Join(missing, ", ")))
		}
		for s, why := range optionalScopes {
			if !have[s] {
				a.log.Warn("slack: optional scope missing", "scope", s, "effect", why)
			}
		}
	}
	if a.cfg.Mode == ModeSocket {
		if _, _, err := a.api.StartSocketModeContext(ctx); err != nil {
			problems = append(problems, "apps.connections.open with the app-level token failed: "+explain(err, "app-level token")+
				" (the token needs the connections:write scope and Socket Mode must be enabled for the app)")
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrConfig, strings.Join(problems, "; "))
	}
	return nil
}

// explain turns a Slack error code into advice.
func explain(err error, which string) string {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return fmt.Sprintf("rate limited, retry after %s", rl.RetryAfter)
	}
	switch err.Error() {
	case "invalid_auth", "not_authed":
		return fmt.Sprintf("Slack does not recognise the %s (%v): copy it again from the app's settings", which, err)
	case "token_revoked", "token_expired", "account_inactive":
		return fmt.Sprintf("the %s is no longer valid (%v): reinstall the app and copy the new token", which, err)
	case "not_allowed_token_type":
		return fmt.Sprintf("the %s is of the wrong kind (%v): bot token xoxb-…, app-level token xapp-…", which, err)
	case "missing_scope":
		var se slackgo.SlackErrorResponse
		if errors.As(err, &se) && se.Needed != "" {
			return fmt.Sprintf("the %s lacks the scope %s", which, se.Needed)
		}
		return fmt.Sprintf("the %s lacks a scope", which)
	}
	return err.Error()
}
