// SPDX-License-Identifier: EUPL-1.2

// Package api is the REST API under /api/v1 for the desk's integrations:
// tickets, their comments, states and checklists, conversations, the
// knowledge base, users and (for admins) outgoing webhooks. It owns the
// OpenAPI document (openapi.json, served as /api/v1/openapi.json and
// checked against the handlers' types and the route table), the bearer
// tokens' scope check, the per-token rate limit and the body rules (one
// JSON object, 256 KiB). The routes and the scope each needs are listed,
// with every other route of the service, in web/routes.go; errors become
// statuses in web/problem, as for the console and the public pages.
package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"helpdesk/web/clean"
	"helpdesk/web/intake"
	"helpdesk/web/problem"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// Route is one route of the REST API and the scope it needs; Guard
// checks the scope, nothing else does.
type Route struct {
	Pattern string
	Scope   agents.Scope
	Handler func(w http.ResponseWriter, r *http.Request, tok agents.APIToken)
}

// API serves /api/v1. Its stores default to new ones on the pool.
type API struct {
	pool    *sqlx.DB
	q       *apiQueries
	tokens  *agents.APITokens
	tickets *tickets.Store
	kb      *kb.Store
	convs   *bots.Store
	users   *agents.Users
	hooks   *webhooks.Service
	log     *slog.Logger
	limit   *apiLimiter
	maxBody int64
	// desk sends the API's public comments and resolutions to the
	// requester as the console's are sent (nil: no engine, nothing is
	// sent; the ticket is still changed).
	desk TicketDesk
	// closure is the desk's closure codes (console.closure_codes): a
	// resolution through the API is checked against the console's list.
	closure bots.ClosureCodes
	// intake opens a ticket with a requester's address as the console
	// does: with an e-mail thread for its mails (intake.go).
	intake *intake.Intake
}

// TicketDesk is what the API needs of the conversation engine: a public
// comment or a resolution made through the API reaches the requester on
// the ticket's conversation exactly as the console's do.
type TicketDesk interface {
	TicketComment(ctx context.Context, ticketID int64, actor string, public bool, body string) (*tickets.Comment, error)
	ResolveTicket(ctx context.Context, ticketID int64, actor, code, note, uncheckedReason string) (*tickets.Ticket, error)
}

var _ TicketDesk = (*bots.Engine)(nil)

// MaxBody bounds a request body of the API (KB entries are the largest).
const MaxBody = 256 << 10

// Options are the API's stores and settings.
type Options struct {
	Pool   *sqlx.DB
	Logger *slog.Logger
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time
	// Location counts the year of new ticket numbers; nil: UTC.
	Location *time.Location
	// Tickets, KB and Conversations are the stores; nil ones are built
	// with defaults on Pool.
	Tickets       *tickets.Store
	KB            *kb.Store
	Conversations *bots.Store
	// Desk sends public comments and resolutions to the requester; nil:
	// the ticket is changed, nothing is sent.
	Desk TicketDesk
	// Webhooks lets admins manage outgoing webhooks; nil: those routes
	// answer 404.
	Webhooks *webhooks.Service
	// ClosureCodes are the codes a resolution may carry
	// (console.closure_codes); empty: bots.DefaultClosureCodes.
	ClosureCodes bots.ClosureCodes
	// Intake opens a ticket with a requester's address as the console
	// and the web form do.
	Intake *intake.Intake
}

// New builds the API on opt's stores.
func New(opt Options) (*API, error) {
	if opt.Logger == nil {
		return nil, errors.New("api: no logger")
	}
	a := &API{pool: opt.Pool, tickets: opt.Tickets, kb: opt.KB, convs: opt.Conversations, log: opt.Logger,
		limit: newAPILimiter(10, 60, opt.Now), maxBody: MaxBody, closure: opt.ClosureCodes, desk: opt.Desk,
		intake: opt.Intake}
	if len(a.closure) == 0 {
		a.closure = bots.DefaultClosureCodes
	}
	var err error
	if a.q, err = loadAPIQueries(); err != nil {
		return nil, err
	}
	if a.tokens, err = agents.NewAPITokens(opt.Pool, opt.Now); err != nil {
		return nil, err
	}
	if a.users, err = agents.NewUsers(opt.Pool, opt.Now); err != nil {
		return nil, err
	}
	if a.tickets == nil {
		if a.tickets, err = tickets.NewStore(tickets.Options{Now: opt.Now, Location: opt.Location}); err != nil {
			return nil, err
		}
	}
	if a.kb == nil {
		if a.kb, err = kb.NewStore(opt.Pool, opt.Now); err != nil {
			return nil, err
		}
	}
	if a.convs == nil {
		if a.convs, err = bots.NewStore(); err != nil {
			return nil, err
		}
	}
	a.hooks = opt.Webhooks
	return a, nil
}

// Guard authenticates the bearer token, checks the route's scope and the
// token's rate, and bounds the body.
func (a *API) Guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		// The scheme's name is case-insensitive (RFC 9110, 11.1).
		auth := r.Header.Get("Authorization")
		scheme, secret, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="helpdesk"`)
			a.fail(w, agents.ErrTokenInvalid)
			return
		}
		tok, err := a.tokens.Authenticate(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			if errors.Is(err, agents.ErrTokenInvalid) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="helpdesk", error="invalid_token"`)
			}
			a.fail(w, err)
			return
		}
		if !a.limit.allow(tok.ID) {
			w.Header().Set("Retry-After", "1")
			a.fail(w, problem.ErrTooMany)
			return
		}
		if !tok.Has(rt.Scope) {
			a.fail(w, fmt.Errorf("%w: this call needs the %s scope", problem.ErrForbidden, rt.Scope))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, a.maxBody)
		rt.Handler(w, r, tok)
	})
}

// apiActor is how the API's changes appear in audit trails.
func apiActor(tok agents.APIToken) string { return "api:" + tok.Name }

// ErrorBody is the one shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// NotFound answers a path or method the API does not have with its
// error object (the mux's plain 404 would not be one).
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, fmt.Errorf("%w: %s %s", problem.ErrNotFound, r.Method, r.URL.Path))
}

// fail writes err as the API's error object.
func (a *API) fail(w http.ResponseWriter, err error) { Fail(a.log, w, err) }

// Fail writes err as an error object; internal errors are logged, not
// shown.
func Fail(log *slog.Logger, w http.ResponseWriter, err error) {
	pr := problem.Of(err)
	code, name := pr.Status, pr.Code
	msg := err.Error()
	if code == http.StatusInternalServerError {
		log.Error("API call failed", "err", err)
		msg = "internal error"
	}
	apiJSON(w, code, ErrorBody{ErrorDetail{Code: name, Message: msg}})
}

func apiJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// apiDecode reads a JSON body into v, refusing unknown fields so a typo in
// an integration fails loudly, and a body that does not say it is JSON.
func apiDecode(r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Errorf("%w: the body must be sent as Content-Type: application/json", problem.ErrMediaType)
	}
	// Every body is one JSON object: null, an array or a bare value would
	// decode into the request type as if the fields were absent.
	br := bufio.NewReader(r.Body)
	for {
		c, err := br.ReadByte()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return err
			}
			return fmt.Errorf("%w: one JSON object expected", problem.ErrBadRequest)
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c != '{' {
			return fmt.Errorf("%w: one JSON object expected", problem.ErrBadRequest)
		}
		br.UnreadByte()
		break
	}
	dec := json.NewDecoder(br)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return fmt.Errorf("%w: %v", problem.ErrBadRequest, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: one JSON object expected", problem.ErrBadRequest)
	}
	clean.Strings(v)
	return nil
}

// apiLimiter is a token apiBucket per API token, in memory: each instance
// of the service limits on its own.
type apiLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	now     func() time.Time
	buckets map[int64]*apiBucket
}

type apiBucket struct {
	level float64
	at    time.Time
}

func newAPILimiter(rate, burst float64, now func() time.Time) *apiLimiter {
	if now == nil {
		now = time.Now
	}
	return &apiLimiter{rate: rate, burst: burst, now: now, buckets: map[int64]*apiBucket{}}
}

func (l *apiLimiter) allow(id int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[id]
	if !ok {
		b = &apiBucket{level: l.burst, at: now}
		l.buckets[id] = b
	}
	b.level = min(l.burst, b.level+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.level < 1 {
		return false
	}
	b.level--
	return true
}
