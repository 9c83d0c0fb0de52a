// SPDX-License-Identifier: EUPL-1.2

// Package web is the HTTP side: the server, its middleware, health and
// metrics, the root page, and every route of the service listed in
// routes.go (with the roles each console page allows and the scope each
// API call needs). The audiences are packages of their own, built in New:
// the agents' console is web/console, the REST API web/api and the
// requesters' pages (help centre, web form, web chat, tracking)
// web/portal. Below them all: web/problem chooses the HTTP status of every
// error (one mapping for every audience) and renders their pages,
// web/intake opens the tickets of the web form, the console's contacts
// and the API, web/clean takes NULs and invalid UTF-8 out of requests.
// Those three are packages of their own because web imports the audiences
// to list their routes, and the audiences need them. Each audience embeds
// its own templates and static files.
//
// The tests that drive the assembled server (over HTTP or in Chromium,
// for any audience) are in this package: they need New and Handler,
// which the audiences' own packages cannot import without a cycle.
package web

import (
	"context"
	"database/sql"
	"fmt"
	"helpdesk/web/api"
	"log/slog"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/tickets"
	"helpdesk/web/console"
	"helpdesk/web/intake"
	"helpdesk/web/portal"
)

// ReadinessDB is what readiness needs of the database: a query saying
// whether the server is a primary (see readyz).
type ReadinessDB interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Options are the server's dependencies.
type Options struct {
	DB           ReadinessDB
	Registry     *prometheus.Registry
	Logger       *slog.Logger
	BaseURL      string
	MaxBodyBytes int64
	Version      string

	// The console is served when Pool is set.
	Pool *sqlx.DB
	// DatabaseURL is used to LISTEN for conversation changes (live inbox);
	// empty: consoles poll.
	DatabaseURL string
	// Tickets, KB and Conversations are the stores the console works on;
	// nil ones are built with defaults on Pool.
	Tickets       *tickets.Store
	KB            *kb.Store
	Conversations *bots.Store
	// Searcher searches the knowledge base for the editor's list, and is
	// refreshed at once when an editor publishes.
	Searcher *kb.Searcher
	// Handoff carries out the agents' actions; nil: the inbox is read-only.
	Handoff Handoff
	// Assist is the optional language model (summaries, reply
	// suggestions, FAQ drafts); nil: none is configured and the console
	// hides those buttons.
	Assist Assist
	// Session bounds sessions and sets the login lockout.
	Session agents.SessionOptions
	// SessionRecheck is how often an open event stream (the live inbox)
	// checks its session and keeps it alive; 0: a minute.
	SessionRecheck time.Duration
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time
	// Location is the desk's time zone, for the times the console shows;
	// nil: the process's local zone.
	Location *time.Location
	// Public configures the requesters' pages (help centre, web form, web
	// chat, tracking), served with the console when Pool is set.
	Public PublicOptions
	// Mount adds routes served by other packages (the chat adapters'
	// webhooks and callbacks) to the same server.
	Mount []func(*http.ServeMux)
	// Calendar is the desk's business calendar, in whose working time the
	// console counts the tickets' SLA clocks; nil: the default calendar.
	Calendar *tickets.BusinessCalendar
	// Calendars, when set, counts each clock on its own calendar (the
	// ticket's level, team or SLA target's); nil: Calendar for all.
	Calendars *tickets.Calendars
	// Webhooks lets admins manage outgoing webhooks through the REST API;
	// nil: those routes answer 404.
	Webhooks *webhooks.Service
	// EditorsReadTickets grants editors the ticket pages (read only:
	// they never had the ticket actions). Off by default: editors work on
	// the knowledge base and see the unanswered queries aggregated.
	EditorsReadTickets bool
	// ClosureCodes are the codes agents resolve with
	// (console.closure_codes); empty: the default list.
	ClosureCodes []ClosureCode
	// SeparateMetrics takes /metrics off this handler: it is served on
	// its own listener (http.metrics_addr) by MetricsHandler.
	SeparateMetrics bool
}

// Server serves every HTTP route of the service.
type Server struct {
	opt     Options
	log     *slog.Logger
	metrics *httpMetrics
	console *console.Console // the agents' console; nil without a database
	public  *portal.Site     // the requesters' pages; nil without a database
	rest    *api.API         // the REST API; nil without a database
}

// New builds the server and registers its metrics.
func New(opt Options) (*Server, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 1 << 20
	}
	m, err := newHTTPMetrics(opt.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{opt: opt, log: opt.Logger, metrics: m}
	if opt.Pool == nil {
		return s, nil // health and metrics only
	}
	// Every part is built here, not on the first Handler call: a part
	// that cannot be built (a template, a query, a store) stops the start
	// with its error rather than leaving its routes out.
	// One intake for the web form, the console's contacts and the API.
	in, err := intake.New(intake.Options{Pool: opt.Pool, Tickets: opt.Tickets, Convs: opt.Conversations,
		Mailer: opt.Public.Mailer, BaseURL: opt.BaseURL, Now: opt.Now})
	if err != nil {
		return nil, fmt.Errorf("ticket intake: %w", err)
	}
	if s.public, err = portal.New(opt.Public, portal.Deps{Pool: opt.Pool, Logger: opt.Logger, Now: opt.Now,
		BaseURL: opt.BaseURL, Tickets: opt.Tickets, KB: opt.KB, Searcher: opt.Searcher, Conversations: opt.Conversations,
		Calendar: opt.Calendar, Calendars: opt.Calendars, Location: opt.Location, Intake: in}); err != nil {
		return nil, fmt.Errorf("public pages: %w", err)
	}
	var desk api.TicketDesk
	if d, ok := opt.Handoff.(api.TicketDesk); ok {
		desk = d
	}
	if s.rest, err = api.New(api.Options{Pool: opt.Pool, Logger: opt.Logger, Now: opt.Now, Location: opt.Location,
		Tickets: opt.Tickets, KB: opt.KB, Conversations: opt.Conversations, Desk: desk, Webhooks: opt.Webhooks,
		ClosureCodes: bots.ClosureCodes(opt.ClosureCodes), Intake: in}); err != nil {
		return nil, fmt.Errorf("REST API: %w", err)
	}
	if s.console, err = console.New(console.Options{Pool: opt.Pool, Registry: opt.Registry, Logger: opt.Logger, Now: opt.Now,
		BaseURL: opt.BaseURL, DatabaseURL: opt.DatabaseURL, Tickets: opt.Tickets, KB: opt.KB, Conversations: opt.Conversations,
		Searcher: opt.Searcher, Handoff: opt.Handoff, Assist: opt.Assist, Session: opt.Session, SessionRecheck: opt.SessionRecheck,
		Location: opt.Location,
		Calendar: opt.Calendar, Calendars: opt.Calendars, AttachmentDir: opt.Public.AttachmentDir, Severity: opt.Public.Severity,
		Intake: in, EditorsReadTickets: opt.EditorsReadTickets, ClosureCodes: bots.ClosureCodes(opt.ClosureCodes),
		Allowed: roleAllowed}); err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	return s, nil
}

// Close stops background work (the console's live-update listener).
func (s *Server) Close() {
	if s.console != nil {
		s.console.Close()
	}
}

// healthz says the process is alive; it checks nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz says the service can do its work: the database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// A ping is not enough: a server still in recovery (a standby the
	// address points at during a fail-over) answers it but refuses writes.
	var standby bool
	if err := s.opt.DB.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil {
		s.log.Warn("readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	if standby {
		s.log.Warn("readiness check failed: the database is a read-only standby")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database read-only (standby): waiting for a primary\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// Handoff is what the console needs of the conversation engine
// (console.Handoff), named here for Options.
type Handoff = console.Handoff

// Assist is the optional language model as the console uses it
// (console.Assist), named here for Options.
type Assist = console.Assist

// ClosureCode is one code an agent may resolve with (configuration:
// console.closure_codes); the console, the REST API and the triage thread
// check against the same list.
type ClosureCode = bots.ClosureCode

// PublicOptions configure the requesters' pages (Options.Public): they
// are portal's, named here too so that a server is configured from this
// package alone.
type PublicOptions = portal.Options
