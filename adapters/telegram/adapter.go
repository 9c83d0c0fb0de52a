// SPDX-License-Identifier: EUPL-1.2

// Package telegram connects the help desk to Telegram through the Bot API
// (github.com/go-telegram/bot): private chats with the bot become
// conversations of the engine, and the engine's replies are rendered as
// HTML messages with inline keyboards.
//
// Updates arrive by long polling (the default: outbound HTTPS only, one
// instance) or by webhook (several instances behind a load balancer). The
// adapter polls itself instead of using the library's loop, because that
// loop confirms an update before it is handled: an update whose handling
// failed for a database outage must be fetched again. No Telegram type
// leaves the package.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/pause"
)

// Modes of receiving updates.
const (
	ModePolling = "polling"
	ModeWebhook = "webhook"
)

// Config is the adapter's configuration; the service maps its own
// configuration (HELPDESK_CHANNELS_TELEGRAM_*) onto it.
type Config struct {
	// Token is the bot token BotFather gave ("123456:ABC…"). Required.
	Token string
	// Mode is "polling" (default) or "webhook".
	Mode string
	// WebhookURL is the public HTTPS address Telegram posts updates to,
	// ending in WebhookPath. When set in webhook mode, Run registers it
	// with setWebhook at start; when empty, the administrator sets it.
	WebhookURL string
	// WebhookSecret is the secret_token Telegram sends back in the
	// X-Telegram-Bot-Api-Secret-Token header: 1–256 characters of A–Z,
	// a–z, 0–9, _ and -. Required in webhook mode.
	WebhookSecret string
	// WebhookPath is the path Routes serves (default "/telegram/webhook").
	WebhookPath string
	// APIURL is the Bot API server (default "https://api.telegram.org";
	// a self-hosted telegram-bot-api server also works). No trailing slash.
	APIURL string
	// PrivateAPI says APIURL names a self-hosted Bot API server on the
	// desk's private network although its host is a name, not a loopback
	// or private address: it lets that server post to a plain http://
	// webhook. Loopback and RFC 1918 / unique-local addresses need no flag.
	PrivateAPI bool
	// PollTimeout is how long one getUpdates call waits for updates
	// (default 50s, at least 1s).
	PollTimeout time.Duration
	// Workers is how many chats of one batch of polled updates are handled
	// at the same time (default 4). Updates of one chat are always in order.
	Workers int
	// MaxRetryWait is the longest retry_after the adapter waits for inside
	// one call after a 429 (default 30s). A longer one fails the send, and
	// the engine retries it from its durable queue.
	MaxRetryWait time.Duration
}

// Errors the adapter reports (wrapped with details).
var (
	// ErrConfig is a configuration that cannot work.
	ErrConfig = errors.New("telegram: invalid configuration")
	// ErrBadToken means Telegram rejected the bot token.
	ErrBadToken = errors.New("telegram: bot token rejected")
	// ErrWebhookSet means polling is impossible because a webhook is set.
	ErrWebhookSet = errors.New("telegram: a webhook is set for this bot")
)

// Handler is what the adapter needs of the conversation engine.
type Handler interface {
	Handle(ctx context.Context, in bots.Inbound) (bots.Result, error)
}

// The engine is a Handler, and the adapter is the engine's Sender.
var (
	_ Handler     = (*bots.Engine)(nil)
	_ bots.Sender = (*Adapter)(nil)
)

// Adapter is one Telegram bot connected to the engine.
type Adapter struct {
	cfg    Config
	h      Handler
	log    *slog.Logger
	bot    *bot.Bot
	client *http.Client
	botID  int64
	keys   callbackStore
	parts  partStore
	sleep  func(ctx context.Context, d time.Duration) error
}

// Option changes how the adapter is built (mostly for tests).
type Option func(*options)

type options struct {
	apiURL string
	client *http.Client
	db     *sqlx.DB
	sleep  func(ctx context.Context, d time.Duration) error
}

// WithAPIURL points the adapter at another Bot API server (a test fake),
// overriding Config.APIURL.
func WithAPIURL(url string) Option { return func(o *options) { o.apiURL = url } }

// WithHTTPClient sets the HTTP client for the Bot API.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithDB keeps the short ids of long button payloads and the progress of
// multi-part replies in PostgreSQL, so they survive a restart and are
// shared by several instances. Without it they live in memory.
func WithDB(db *sqlx.DB) Option { return func(o *options) { o.db = db } }

// WithSleep replaces the wait between retries (tests count waits instead
// of sleeping).
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(o *options) { o.sleep = f }
}

var (
	tokenShape  = regexp.MustCompile(`^([0-9]+):[A-Za-z0-9_-]+$`)
	secretShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// New checks the configuration and builds the adapter. It makes no
// network call (Check does).
func New(cfg Config, h Handler, log *slog.Logger, opts ...Option) (*Adapter, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if h == nil {
		return nil, fmt.Errorf("%w: no handler", ErrConfig)
	}
	if log == nil {
		log = slog.Default()
	}
	m := tokenShape.FindStringSubmatch(cfg.Token)
	if m == nil {
		return nil, fmt.Errorf("%w: the bot token must look like 123456789:AA… (ask @BotFather with /token)", ErrConfig)
	}
	botID, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: bot id in the token: %w", ErrConfig, err)
	}
	switch cfg.Mode {
	case "":
		cfg.Mode = ModePolling
	case ModePolling, ModeWebhook:
	default:
		return nil, fmt.Errorf("%w: mode %q (want %q or %q)", ErrConfig, cfg.Mode, ModePolling, ModeWebhook)
	}
	if cfg.Mode == ModeWebhook && !secretShape.MatchString(cfg.WebhookSecret) {
		return nil, fmt.Errorf("%w: webhook mode needs a webhook secret of 1–256 characters A–Z, a–z, 0–9, _ or -", ErrConfig)
	}
	if cfg.WebhookSecret != "" && !secretShape.MatchString(cfg.WebhookSecret) {
		return nil, fmt.Errorf("%w: the webhook secret may use only A–Z, a–z, 0–9, _ and - (at most 256)", ErrConfig)
	}
	if cfg.WebhookPath == "" {
		cfg.WebhookPath = "/telegram/webhook"
	}
	if !strings.HasPrefix(cfg.WebhookPath, "/") {
		return nil, fmt.Errorf("%w: webhook path %q must start with /", ErrConfig, cfg.WebhookPath)
	}
	if o.apiURL != "" {
		cfg.APIURL = o.apiURL
	}
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.telegram.org"
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if err := checkWebhookScheme(cfg.WebhookURL, cfg.APIURL, cfg.PrivateAPI); err != nil {
		return nil, err
	}
	switch {
	case cfg.PollTimeout <= 0:
		cfg.PollTimeout = 50 * time.Second
	case cfg.PollTimeout < time.Second:
		cfg.PollTimeout = time.Second // 0 would be short polling: a busy loop
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 30 * time.Second
	}
	if o.client == nil {
		o.client = &http.Client{}
	}
	if o.sleep == nil {
		o.sleep = pause.For
	}
	// The library's client: every call but getUpdates goes through it, so
	// its own timeout is for short calls; polling sets its own deadline.
	b, err := bot.New(cfg.Token,
		bot.WithSkipGetMe(),
		bot.WithServerURL(cfg.APIURL),
		bot.WithHTTPClient(30*time.Second, &timeoutClient{c: o.client, timeout: 30 * time.Second}),
		bot.WithErrorsHandler(func(err error) { log.Warn("telegram library", "err", redact(err.Error(), cfg.Token)) }),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	a := &Adapter{cfg: cfg, h: h, log: log.With("channel", channel), bot: b, client: o.client, botID: botID, sleep: o.sleep}
	if o.db != nil {
		if a.keys, a.parts, err = newPGStores(o.db); err != nil {
			return nil, err
		}
	} else {
		mem := newMemStore()
		a.keys, a.parts = mem, mem
	}
	return a, nil
}

// timeoutClient bounds each library call, whatever client the service
// passed in.
type timeoutClient struct {
	c       *http.Client
	timeout time.Duration
}

func (t *timeoutClient) Do(req *http.Request) (*http.Response, error) {
	if _, ok := req.Context().Deadline(); ok {
		return t.c.Do(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.c.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody releases the request's deadline once the body is read.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// redact hides the token, which is part of every Bot API URL, from logs.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "<token>")
}

// call runs one Bot API call, waiting out 429s whose retry_after is at
// most MaxRetryWait (the library never retries by itself).
func (a *Adapter) call(ctx context.Context, method string, f func(context.Context) error) error {
	const attempts = 3
	var err error
	for i := 0; i < attempts; i++ {
		err = f(ctx)
		var tooMany *bot.TooManyRequestsError
		if !errors.As(err, &tooMany) {
			break
		}
		wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		if wait > a.cfg.MaxRetryWait || i == attempts-1 {
			return fmt.Errorf("telegram %s: rate limited for %s: %w", method, wait, err)
		}
		a.log.Info("telegram rate limit; waiting", "method", method, "retry_after", wait)
		if serr := a.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("telegram %s: %w", method, serr)
		}
	}
	if err != nil {
		return &apiError{msg: fmt.Sprintf("telegram %s: %s", method, redact(err.Error(), a.cfg.Token)), err: err}
	}
	return nil
}

// apiError keeps the library's error for errors.Is/As but never prints
// the token, which the library's messages may carry in a URL.
type apiError struct {
	msg string
	err error
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.err }

// checkWebhookScheme: Telegram's own servers post webhooks only to
// https:// addresses; a self-hosted Bot API server (telegram-bot-api
// --local) may post to plain http://, typically to the desk on the same
// host. Plain http carries the webhook secret and every message in clear,
// so it is accepted only when that traffic cannot leave the desk's own
// network: the Bot API server is on loopback, on a private address
// (RFC 1918, IPv6 unique-local), or the operator said it is private
// (privateAPI). Any other server — telegram.org or a public host — is
// refused, because a public server would send the updates across the
// Internet unencrypted.
func checkWebhookScheme(webhookURL, apiURL string, privateAPI bool) error {
	switch {
	case webhookURL == "" || strings.HasPrefix(webhookURL, "https://"):
		return nil
	case !strings.HasPrefix(webhookURL, "http://"):
		return fmt.Errorf("%w: webhook address %q is neither https:// nor http://", ErrConfig, webhookURL)
	}
	u, err := url.Parse(apiURL)
	host := ""
	if err == nil {
		host = u.Hostname()
	}
	switch {
	case host == "" || strings.EqualFold(host, "api.telegram.org") || strings.HasSuffix(strings.ToLower(host), ".telegram.org"):
		return fmt.Errorf("%w: Telegram's own servers post webhooks only to https:// addresses, not %q: "+
			"use an https:// webhook_url, or run a self-hosted Bot API server (telegram-bot-api --local) "+
			"on loopback or the private network and set it as api_url", ErrConfig, webhookURL)
	case privateAPI || privateHost(host):
		return nil
	}
	return fmt.Errorf("%w: a plain http:// webhook (%q) is allowed only with a Bot API server on loopback "+
		"or a private address (10/8, 172.16/12, 192.168/16, fc00::/7); api_url %q is neither: "+
		"use an https:// webhook_url, or, if that server is on the desk's private network, "+
		"set channels.telegram.private_api: true", ErrConfig, webhookURL, apiURL)
}

// privateHost reports whether host is "localhost" or a loopback, RFC 1918
// or unique-local address. Names other than localhost are not resolved:
// what a name resolves to can change after start, so a name needs the
// operator's explicit private_api.
func privateHost(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate()
}
