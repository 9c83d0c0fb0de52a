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
			a.fail(w, errTooMany)
			return
		}
		if !tok.Has(rt.scope) {
			a.fail(w, fmt.Errorf("%w: this call needs the %s scope", errForbidden, rt.scope))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, a.maxBody)
		rt.handler(w, r, tok)
	})
}

// apiActor is how the API's changes appear in audit trails.
func apiActor(tok agents.APIToken) string { return "api:" + tok.Name }

// apiErrorBody is the one shape of every error answer.
type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// fail writes err as the API's error object.
func (a *api) fail(w http.ResponseWriter, err error) { apiFail(a.log, w, err) }

// apiFail writes err as an error object; internal errors are logged, not
// shown.
func apiFail(log *slog.Logger, w http.ResponseWriter, err error) {
	pr := problemOf(err)
	code, name := pr.Status, pr.Code
	msg := err.Error()
	if code == http.StatusInternalServerError {
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
		return fmt.Errorf("%w: the body must be sent as Content-Type: application/json", errMediaType)
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
			return fmt.Errorf("%w: one JSON object expected", errBadRequest)
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c != '{' {
			return fmt.Errorf("%w: one JSON object expected", errBadRequest)
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
		return fmt.Errorf("%w: %v", errBadRequest, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: one JSON object expected", errBadRequest)
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
