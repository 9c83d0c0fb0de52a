// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"embed"
	"fmt"
	"helpdesk/web/intake"
	"helpdesk/web/problem"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/bots/markup"
	"helpdesk/internal/i18n"
	"helpdesk/kb"
	"helpdesk/tickets"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Console is the agents' and editors' web console.
type Console struct {
	db        *sqlx.DB
	q         *queries
	log       *slog.Logger
	now       func() time.Time
	sessions  *agents.Sessions
	users     *agents.Users
	canned    *agents.Canned
	tickets   *tickets.Store
	kb        *kb.Store
	searcher  *kb.Searcher
	convs     *bots.Store
	handoff   Handoff
	assist    Assist // the optional language model (assist.go); nil: none
	assistOut *prometheus.CounterVec
	renderer  *kb.Renderer
	calendar  *tickets.BusinessCalendar // the desk's; nil: the default
	calendars *tickets.Calendars        // per level, team and target; nil: calendar for all
	// attachmentDir is where mail and web-form attachments are stored
	// (PublicOptions.AttachmentDir); empty: files are listed, not served.
	attachmentDir string
	live          *liveHub
	secure        bool // cookies only over HTTPS
	pages         map[string]*template.Template
	out           *problem.Pages // renders pages and error pages
	pageSize      int
	staticDir     http.Handler
	// sessionRecheck is how often an open event stream checks (and
	// keeps alive) its session.
	sessionRecheck time.Duration
	loc            *time.Location
	// The contact page (contacts.go): its queries, the severity model the
	// bot uses, and the ticket intake shared with the web form.
	contactQ contactQueries
	severity bots.SeverityModel
	intake   *intake.Intake
	// editorsReadTickets: an admin granted editors the ticket pages
	// (Options.EditorsReadTickets).
	editorsReadTickets bool
	// closure is the list of closure codes (closure.go).
	closure closureList
	// roleAllowed is Options.Allowed: the route table's roles.
	roleAllowed func(pattern string, role agents.Role) bool
}

// ctxKey keys the session in a request's context.
type ctxKey struct{}

func sessionFrom(r *http.Request) *agents.Session {
	s, _ := r.Context().Value(ctxKey{}).(*agents.Session)
	return s
}

// Options are what the console works with; web.New builds them from
// web.Options and lists the console's routes (the exported handlers, with
// the roles each allows) in web/routes.go.
type Options struct {
	Pool     *sqlx.DB
	Registry *prometheus.Registry // the assist counters; nil: not registered
	Logger   *slog.Logger
	Now      func() time.Time // nil: time.Now
	// BaseURL's scheme decides whether cookies are sent over HTTPS only.
	BaseURL string
	// DatabaseURL is used to LISTEN for conversation changes (live inbox);
	// empty: consoles poll.
	DatabaseURL string
	// The stores the console works on; nil ones are built with defaults
	// on Pool.
	Tickets       *tickets.Store
	KB            *kb.Store
	Conversations *bots.Store
	// Searcher searches the knowledge base for the editor's list.
	Searcher *kb.Searcher
	// Handoff carries out the agents' actions; nil: the inbox is read-only.
	Handoff Handoff
	// Assist is the optional language model; nil: its buttons are hidden.
	Assist Assist
	// Session bounds sessions and sets the login lockout.
	Session agents.SessionOptions
	// SessionRecheck is how often an open event stream checks its
	// session and keeps it alive; 0: a minute.
	SessionRecheck time.Duration
	// Location is the desk's time zone; nil: the process's local zone.
	Location *time.Location
	// Calendar and Calendars count the tickets' SLA clocks (nil: the
	// default calendar; Calendar for every clock).
	Calendar  *tickets.BusinessCalendar
	Calendars *tickets.Calendars
	// AttachmentDir is where mail and web-form attachments are stored;
	// empty: files are listed, not served.
	AttachmentDir string
	// Severity suggests the contact page's urgency and impact; nil: nlp's
	// trained model.
	Severity bots.SeverityModel
	// Intake opens the contact page's tickets (shared with the web form
	// and the API).
	Intake *intake.Intake
	// EditorsReadTickets grants editors the ticket pages (read only).
	EditorsReadTickets bool
	// ClosureCodes are the codes agents resolve with; empty: the default.
	ClosureCodes bots.ClosureCodes
	// Allowed is the route table's answer (web/routes.go): may role use
	// the route pattern? The console shows only the links and buttons a
	// user may use, and checks it again in Guard. nil: nothing is allowed.
	Allowed func(pattern string, role agents.Role) bool
}

// New builds the console: its queries, stores, templates and the
// live-update listener (stopped by Close).
func New(opt Options) (*Console, error) {
	q, err := loadQueries()
	if err != nil {
		return nil, err
	}
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	users, err := agents.NewUsers(opt.Pool, now)
	if err != nil {
		return nil, err
	}
	sessions, err := agents.NewSessions(opt.Pool, opt.Session, now)
	if err != nil {
		return nil, err
	}
	canned, err := agents.NewCanned(opt.Pool)
	if err != nil {
		return nil, err
	}
	allowed := opt.Allowed
	if allowed == nil {
		allowed = func(string, agents.Role) bool { return false }
	}
	c := &Console{
		db: opt.Pool, q: q, log: log, now: now, users: users, canned: canned,
		sessions: sessions,
		tickets:  opt.Tickets, kb: opt.KB, searcher: opt.Searcher, convs: opt.Conversations,
		handoff: opt.Handoff, renderer: kb.NewRenderer(), assist: opt.Assist,
		secure:   strings.HasPrefix(strings.ToLower(opt.BaseURL), "https://"),
		pageSize: 50, sessionRecheck: time.Minute, loc: opt.Location, calendar: opt.Calendar, calendars: opt.Calendars, attachmentDir: opt.AttachmentDir,
		editorsReadTickets: opt.EditorsReadTickets, closure: closureList(opt.ClosureCodes), roleAllowed: allowed,
	}
	if opt.SessionRecheck > 0 {
		c.sessionRecheck = opt.SessionRecheck
	}
	if len(c.closure) == 0 {
		c.closure = defaultClosureCodes
	}
	if c.loc == nil {
		c.loc = time.Local
	}
	if c.convs == nil {
		if c.convs, err = bots.NewStore(); err != nil {
			return nil, err
		}
	}
	if c.tickets == nil {
		if c.tickets, err = tickets.NewStore(tickets.Options{Now: now}); err != nil {
			return nil, err
		}
	}
	if c.kb == nil {
		if c.kb, err = kb.NewStore(opt.Pool, now); err != nil {
			return nil, err
		}
	}
	if c.assistOut, err = newAssistMetrics(opt.Registry); err != nil {
		return nil, err
	}
	if err := newContactDesk(c, opt); err != nil {
		return nil, err
	}
	if err := c.parseTemplates(); err != nil {
		return nil, err
	}
	c.out = &problem.Pages{Templates: c.pages, Catalog: Text, Log: log, Failed: "console request failed"}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	c.staticDir = http.StripPrefix("/console/static/", http.FileServerFS(sub))
	c.live = newLiveHub(opt.DatabaseURL, 3*time.Second, log)
	return c, nil
}

// templateFuncs are the helpers every page may use; times are shown in
// the desk's time zone.
func templateFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"when":      func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") },
		"join":      strings.Join,
		"hasPrefix": strings.HasPrefix,
		"sub1":      func(n int) int { return n - 1 },
		"list":      func(xs ...string) []string { return xs },
		"partView": func(v *view, data any) *view {
			p := *v
			p.Data = data
			return &p
		},
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"eq1": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
		// markdown renders the desk's Markdown (agents' replies and notes)
		// as sanitised HTML through the renderer every channel uses.
		"markdown": func(s string) template.HTML { return template.HTML(markup.Render(s, markup.HTML)) },
	}
}

// parseTemplates builds one template set per page: the layout, the shared
// fragments (also served alone for live updates) and the page's own file.
func (c *Console) parseTemplates() (err error) {
	c.pages, err = problem.ParsePages(templateFS, templateFuncs(c.loc), "templates/layout.html", "templates/fragments.html")
	return err
}

// view is what every console page receives.
type view struct {
	Lang    string
	Title   string
	User    *agents.User
	CSRF    string
	Path    string
	Flash   string
	Error   string
	Data    any
	allowed func(pattern string) bool

	// Assist says a language model is configured (its buttons show).
	Assist bool
}

// T looks up a console string in the page's language.
func (v *view) T(key string, args ...any) string { return Text.T(v.Lang, key, args...) }

// Label translates a value shown under a prefix ("state." + "open"); a
// value the catalogue does not know yet is shown as it is rather than as
// a missing key.
func (v *view) Label(prefix string, value any) string {
	key := prefix + fmt.Sprint(value)
	if _, ok := Text[key]; !ok {
		return fmt.Sprint(value)
	}
	return v.T(key)
}

// Can says whether the user may use the route pattern (for the menu and
// for hiding buttons that would answer 403).
func (v *view) Can(pattern string) bool { return v.allowed != nil && v.allowed(pattern) }

// Current says whether the page is under one of the menu's sections
// (aria-current on the menu link).
func (v *view) Current(prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(v.Path, p) {
			return true
		}
	}
	return false
}

// Other is the other UI language, for the language switch.
func (v *view) Other() string {
	if v.Lang == "en" {
		return "it"
	}
	return "en"
}

// consoleLangCookie remembers a language picked with ?lang= for the next pages.
const consoleLangCookie = "console_lang"

// pageLang picks the language: ?lang= first, then the one picked earlier
// (cookie), then the user's profile, then the browser's.
func pageLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return i18n.Normalize(l)
	}
	if ck, err := r.Cookie(consoleLangCookie); err == nil {
		return i18n.Normalize(ck.Value)
	}
	if s := sessionFrom(r); s != nil && s.Lang != "" {
		return i18n.Normalize(s.Lang)
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (c *Console) newView(r *http.Request, titleKey string, data any) *view {
	v := &view{Lang: pageLang(r), Path: r.URL.Path, Data: data, allowed: func(p string) bool {
		s := sessionFrom(r)
		return s != nil && c.mayUse(p, s.Role)
	}}
	v.Title = v.T(titleKey)
	if s := sessionFrom(r); s != nil {
		u := s.User
		v.User, v.CSRF = &u, s.CSRF
	}
	if f := r.URL.Query().Get("flash"); f != "" && strings.HasPrefix(f, "flash.") {
		v.Flash = v.T(f)
	}
	// Why the language model gave nothing, after a redirect (assist.go).
	if p := r.URL.Query().Get("problem"); strings.HasPrefix(p, "assist.") && Text[p] != nil {
		v.Error = v.T(p)
	}
	v.Assist = c.assist != nil
	return v
}

// render writes a page: the layout, or a fragment alone (a "_part" page)
// for live updates.
func (c *Console) render(w http.ResponseWriter, r *http.Request, code int, page string, v *view) {
	name := "layout"
	if strings.HasSuffix(page, "_part") {
		name = "part"
	}
	c.out.Render(w, code, page, name, v)
}

// Fail shows an error page: the status and message of problem's one
// mapping, in the agent's language.
func (c *Console) Fail(w http.ResponseWriter, r *http.Request, err error) {
	code, key := c.out.Fail(r, err)
	v := c.newView(r, key, nil)
	v.Error = v.T(key)
	if msg, ok := filterMessage(err, v.Lang); ok {
		v.Error = msg // which filter, what is wrong, in the agent's language
	} else if code == http.StatusBadRequest || code == http.StatusConflict {
		v.Error += " " + err.Error()
	}
	c.render(w, r, code, "error", v)
}

// redirect answers a form post with 303 to path, carrying a flash key
// in the query (before path's #fragment, where a browser would not read
// it as part of the query).
func redirect(w http.ResponseWriter, r *http.Request, path, flash string) {
	if flash != "" {
		base, frag, hasFrag := strings.Cut(path, "#")
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		path = base + sep + "flash=" + url.QueryEscape(flash)
		if hasFrag {
			path += "#" + frag
		}
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// actor is how the console user appears in audit trails.
func actor(r *http.Request) string {
	if s := sessionFrom(r); s != nil {
		return "user:" + s.Username
	}
	return "user:?"
}

// Close stops the console's background work (the live-update listener).
func (c *Console) Close() {
	if c.live != nil {
		c.live.Close()
	}
}

func (c *Console) withSession(ctx context.Context, s *agents.Session) context.Context {
	return context.WithValue(ctx, ctxKey{}, s)
}
