// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// apiRoute is one route of the REST API and the scope it needs; the
// auth wrapper checks the scope, nothing else does.
type apiRoute struct {
	pattern string
	scope   agents.Scope
	handler func(w http.ResponseWriter, r *http.Request, tok agents.APIToken)
}

// route is a pattern and its handler, as mounted on the mux.
type route struct {
	pattern string
	handler http.Handler
}

// api serves /api/v1. Its stores default to the console's.
type api struct {
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
	closure closureList
	// intake opens a ticket with a requester's address as the console
	// does: with an e-mail thread for its mails (intake.go).
	intake *intake
}

// TicketDesk is what the API needs of the conversation engine: a public
// comment or a resolution made through the API reaches the requester on
// the ticket's conversation exactly as the console's do.
type TicketDesk interface {
	TicketComment(ctx context.Context, ticketID int64, actor string, public bool, body string) (*tickets.Comment, error)
	ResolveTicket(ctx context.Context, ticketID int64, actor, code, note, uncheckedReason string) (*tickets.Ticket, error)
}

var _ TicketDesk = (*bots.Engine)(nil)

// apiMaxBody bounds a request body of the API (KB entries are the largest).
const apiMaxBody = 256 << 10

func newAPI(opt Options) (*api, error) {
	a := &api{pool: opt.Pool, tickets: opt.Tickets, kb: opt.KB, convs: opt.Conversations, log: opt.Logger,
		limit: newAPILimiter(10, 60, opt.Now), maxBody: apiMaxBody, closure: opt.ClosureCodes}
	if len(a.closure) == 0 {
		a.closure = defaultClosureCodes
	}
	if d, ok := opt.Handoff.(TicketDesk); ok {
		a.desk = d
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
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	if a.intake, err = newIntake(opt, a.tickets, a.convs, now); err != nil {
		return nil, err
	}
	return a, nil
}

// apiRoutes returns the API's routes, wrapped with authentication, scope
// check, rate limit and body limit; none without a database.
func apiRoutes(s *Server) []route {
	if s.opt.Pool == nil {
		return nil
	}
	a, err := newAPI(s.opt)
	if err != nil {
		s.log.Error("REST API disabled", "err", err)
		return nil
	}
	out := []route{
		{"GET /api/v1/openapi.json", http.HandlerFunc(serveOpenAPI)},
		{"/api/v1/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a.fail(w, fmt.Errorf("%w: %s %s", errAPINotFound, r.Method, r.URL.Path))
		})},
	}
	for _, rt := range a.routes() {
		out = append(out, route{rt.pattern, a.guard(rt)})
	}
	return out
}

// routes is the API's whole access table.
func (a *api) routes() []apiRoute {
	return []apiRoute{
		{"GET /api/v1/tickets", agents.ScopeTicketsRead, a.ticketList},
		{"POST /api/v1/tickets", agents.ScopeTicketsWrite, a.ticketCreate},
		{"GET /api/v1/tickets/{number}", agents.ScopeTicketsRead, a.ticketGet},
		{"GET /api/v1/tickets/{number}/comments", agents.ScopeTicketsRead, a.ticketComments},
		{"POST /api/v1/tickets/{number}/comments", agents.ScopeTicketsWrite, a.ticketComment},
		{"POST /api/v1/tickets/{number}/state", agents.ScopeTicketsWrite, a.ticketState},
		{"GET /api/v1/tickets/{number}/checklists", agents.ScopeTicketsRead, a.checklistList},
		{"POST /api/v1/tickets/{number}/checklists", agents.ScopeTicketsWrite, a.checklistAttach},
		{"POST /api/v1/tickets/{number}/checklists/{checklist}/steps/{position}", agents.ScopeTicketsWrite, a.checklistTick},
		{"GET /api/v1/conversations/{id}", agents.ScopeConversationsRead, a.conversationGet},
		{"GET /api/v1/kb/entries", agents.ScopeKBRead, a.kbList},
		{"GET /api/v1/kb/entries/{id}", agents.ScopeKBRead, a.kbGet},
		{"POST /api/v1/kb/entries", agents.ScopeKBWrite, a.kbCreate},
		{"PUT /api/v1/kb/entries/{id}", agents.ScopeKBWrite, a.kbUpdate},
		{"POST /api/v1/kb/entries/{id}/status", agents.ScopeKBWrite, a.kbStatus},
		{"GET /api/v1/users", agents.ScopeUsersRead, a.userList},
		{"GET /api/v1/webhooks", agents.ScopeAdmin, a.webhookList},
		{"POST /api/v1/webhooks", agents.ScopeAdmin, a.webhookCreate},
		{"DELETE /api/v1/webhooks/{id}", agents.ScopeAdmin, a.webhookDelete},
		{"GET /api/v1/webhooks/{id}/deliveries", agents.ScopeAdmin, a.webhookDeliveries},
	}
}

// guard authenticates the bearer token, checks the route's scope and the
// token's rate, and bounds the body.
func (a *api) guard(rt apiRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		auth := r.Header.Get("Authorization")
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
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
			a.fail(w, errRateLimited)
			return
		}
		if !tok.Has(rt.scope) {
			a.fail(w, fmt.Errorf("%w: this call needs the %s scope", errAPIForbidden, rt.scope))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, a.maxBody)
		rt.handler(w, r, tok)
	})
}

// apiActor is how the API's changes appear in audit trails.
func apiActor(tok agents.APIToken) string { return "api:" + tok.Name }

// Errors of the API's own (the stores' sentinel errors are mapped too).
var (
	errAPIForbidden  = errors.New("forbidden")
	errRateLimited   = errors.New("too many requests")
	errAPIBadRequest = errors.New("bad request")
	errAPINotFound   = errors.New("not found")
	errAPIConflict   = errors.New("conflict")
	errAPIMediaType  = errors.New("unsupported media type")
)

// apiErrorBody is the one shape of every error answer.
type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiStatus is the one place that chooses the HTTP status and the error
// code for an error.
func apiStatus(err error) (int, string) {
	var tooBig *http.MaxBytesError
	var kbVal *kb.ValidationError
	switch {
	case errors.Is(err, agents.ErrTokenInvalid):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, errAPIForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "body_too_large"
	case errors.Is(err, errAPIMediaType):
		return http.StatusUnsupportedMediaType, "unsupported_media_type"
	case errors.Is(err, tickets.ErrNotFound), errors.Is(err, tickets.ErrStepNotFound), errors.Is(err, kb.ErrNotFound),
		errors.Is(err, bots.ErrNotFound), errors.Is(err, errAPINotFound), errors.Is(err, agents.ErrUserNotFound),
		errors.Is(err, webhooks.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, tickets.ErrIllegalTransition), errors.Is(err, kb.ErrTransition):
		return http.StatusConflict, "illegal_transition"
	case errors.Is(err, errAPIConflict), errors.Is(err, agents.ErrUserExists):
		return http.StatusConflict, "conflict"
	case errors.Is(err, tickets.ErrChecklistIncomplete):
		return http.StatusConflict, "checklist_incomplete"
	case errors.As(err, &kbVal), errors.Is(err, kb.ErrInvalid), errors.Is(err, tickets.ErrInvalid),
		errors.Is(err, errAPIBadRequest), errors.Is(err, agents.ErrBadScope), errors.Is(err, webhooks.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	}
	return http.StatusInternalServerError, "internal"
}

// fail writes err as the API's error object.
func (a *api) fail(w http.ResponseWriter, err error) { apiFail(a.log, w, err) }

// apiFail writes err as an error object; internal errors are logged, not
// shown.
func apiFail(log *slog.Logger, w http.ResponseWriter, err error) {
	code, name := apiStatus(err)
	msg := err.Error()
	if code == http.StatusInternalServerError {
		if log == nil {
			log = slog.Default()
		}
		log.Error("API call failed", "err", err)
		msg = "internal error"
	}
	apiJSON(w, code, apiErrorBody{apiErrorDetail{Code: name, Message: msg}})
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
		return fmt.Errorf("%w: the body must be sent as Content-Type: application/json", errAPIMediaType)
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
			return fmt.Errorf("%w: one JSON object expected", errAPIBadRequest)
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c != '{' {
			return fmt.Errorf("%w: one JSON object expected", errAPIBadRequest)
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
		return fmt.Errorf("%w: %v", errAPIBadRequest, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: one JSON object expected", errAPIBadRequest)
	}
	cleanStrings(v)
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
