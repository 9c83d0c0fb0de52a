// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"context"
	"embed"
	"helpdesk/web/intake"
	"helpdesk/web/problem"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/i18n"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

//go:embed templates/*.html
var publicTemplateFS embed.FS

//go:embed static
var publicStaticFS embed.FS

//go:embed help_queries.sql
var helpQueryFS embed.FS

// ChatEngine is what the public pages need of the conversation engine
// (*bots.Engine): the web chat's messages go through Handle and its
// replies (the bot's and, after handoff, the agent's) come back through
// the sender registered for the "web" channel.
type ChatEngine interface {
	Handle(ctx context.Context, in bots.Inbound) (bots.Result, error)
	RegisterSender(channel string, s bots.Sender)
}

// Options configure the requesters' side: help centre, web form, web
// chat and tracking pages (web.Options.Public; served when the server
// has a database).
type Options struct {
	// Engine runs the web chat; nil: no chat.
	Engine ChatEngine
	// Mailer sends the web form's confirmation and "find my ticket" links:
	// the e-mail adapter, the same sender the engine has for "email". nil:
	// nothing is mailed (the form's answer page still shows the link).
	Mailer bots.Sender
	// Severity classifies web-form requests; nil: nlp's trained model.
	Severity bots.SeverityModel
	// ContentDir is the knowledge base's content folder: media paths of
	// entries ("media/health/x.svg") are relative to it.
	ContentDir string
	// AttachmentDir keeps web-form attachments (by content hash, like the
	// e-mail adapter); empty: attachments are refused.
	AttachmentDir string
	// MaxAttachmentBytes caps one attachment (default 5 MiB). The whole
	// request is also capped by Options.MaxBodyBytes.
	MaxAttachmentBytes int64
	// ReopenWindow is how long after resolution a reply on the tracking
	// page reopens the ticket (default seven days, as the engine).
	ReopenWindow time.Duration
	// Limits of the public forms per hour (0: defaults).
	FormsPerAddress, FormsPerEmail, FindsPerAddress, RepliesPerTicket int
	// ChatPerAddress caps chat messages per client address in ten minutes.
	ChatPerAddress int
	// TrustForwardedFor takes the client address from X-Forwarded-For (the
	// last hop), for a service behind a reverse proxy.
	TrustForwardedFor bool
	// ChatFrameAncestors are the sites allowed to embed the chat panel
	// (CSP frame-ancestors); empty: any site.
	ChatFrameAncestors []string
	// FirstResponse is the promised first-response time per priority, in
	// working hours of the desk's calendar, as the bot promises it in the
	// chat (bots.Options.FirstResponse); nil: bots.DefaultFirstResponse.
	FirstResponse map[tickets.Priority]time.Duration
}

// helpQueries are the public side's SQL (help_queries.sql).
type helpQueries struct {
	RateLock     string `query:"rate-lock"`
	RateCount    string `query:"rate-count"`
	RateAdd      string `query:"rate-add"`
	RatePrune    string `query:"rate-prune"`
	ChatMessages string `query:"chat-messages"`
	ChatState    string `query:"chat-state"`
}

// Site serves the pages requesters see without logging in.
type Site struct {
	opt       Options
	db        *sqlx.DB
	q         helpQueries
	log       *slog.Logger
	now       func() time.Time
	calendar  *tickets.BusinessCalendar // the desk's: opening hours, first-response times
	calendars *tickets.Calendars        // nil: calendar for every queue and target
	hours     map[string]string         // the footer's opening hours per language (deskHours)
	loc       *time.Location            // the desk's time zone: every time a page shows
	baseURL   string
	secure    bool
	tickets   *tickets.Store
	kb        *kb.Store
	searcher  *kb.Searcher
	convs     *bots.Store
	renderer  *kb.Renderer
	severity  bots.SeverityModel
	tracker   *tickets.TrackingTokens
	intake    *intake.Intake
	limiter   *rateLimiter
	chat      *chatHub
	pages     map[string]*template.Template
	out       *problem.Pages // renders pages and error pages
	chatOut   *problem.Pages // the web chat's errors (JSON)
	static    http.Handler
}

// Deps are what the server shares with the requesters' pages: the
// database, the stores (nil ones are built with defaults on Pool), the
// desk's clock, calendars and zone, and the intake that opens tickets.
type Deps struct {
	Pool          *sqlx.DB
	Logger        *slog.Logger
	Now           func() time.Time // nil: time.Now
	BaseURL       string
	Tickets       *tickets.Store
	KB            *kb.Store
	Searcher      *kb.Searcher
	Conversations *bots.Store
	Calendar      *tickets.BusinessCalendar // nil: the default calendar
	Calendars     *tickets.Calendars        // nil: Calendar for every queue
	Location      *time.Location            // nil: Calendar's
	Intake        *intake.Intake
}

// New builds the requesters' pages; web.New calls it and lists their
// routes (the exported handlers) in web/routes.go.
func New(public Options, opt Deps) (*Site, error) {
	in := opt.Intake
	p := &Site{opt: public, db: opt.Pool, log: opt.Logger, now: opt.Now, baseURL: strings.TrimRight(opt.BaseURL, "/"),
		secure: strings.HasPrefix(strings.ToLower(opt.BaseURL), "https://"), tickets: opt.Tickets, kb: opt.KB,
		searcher: opt.Searcher, convs: opt.Conversations, renderer: kb.NewRenderer(), severity: public.Severity}
	if p.now == nil {
		p.now = time.Now
	}
	if err := db.ScanQueries(&p.q, helpQueryFS, "help_queries.sql"); err != nil {
		return nil, err
	}
	var err error
	// Times are the desk's, never the server's: a requester reads the
	// same hour the console and the bot give them.
	p.calendars = opt.Calendars
	if p.calendar = opt.Calendar; p.calendar == nil {
		if p.calendar, err = tickets.NewBusinessCalendar(tickets.CalendarConfig{}); err != nil {
			return nil, err
		}
	}
	if p.loc = opt.Location; p.loc == nil {
		p.loc = p.calendar.Location()
	}
	// The footer tells requesters when the first level answers: its
	// queue's calendar (queues.level1.calendar), else the desk's.
	front := p.calendar
	if p.calendars != nil {
		front = p.calendars.Level(1)
	}
	p.hours = map[string]string{"it": deskHours(front, "it"), "en": deskHours(front, "en")}
	if p.opt.FirstResponse == nil {
		p.opt.FirstResponse = bots.DefaultFirstResponse()
	}
	if p.tickets == nil {
		if p.tickets, err = tickets.NewStore(tickets.Options{Now: p.now}); err != nil {
			return nil, err
		}
	}
	if p.kb == nil {
		if p.kb, err = kb.NewStore(opt.Pool, p.now); err != nil {
			return nil, err
		}
	}
	if p.convs == nil {
		if p.convs, err = bots.NewStore(); err != nil {
			return nil, err
		}
	}
	if p.severity == nil {
		m, err := nlp.NewSeverityModel()
		if err != nil {
			return nil, err
		}
		p.severity = m
	}
	o := &p.opt
	if o.MaxAttachmentBytes <= 0 {
		o.MaxAttachmentBytes = 5 << 20
	}
	if o.ReopenWindow <= 0 {
		o.ReopenWindow = 7 * 24 * time.Hour
	}
	for _, l := range []struct {
		v   *int
		def int
	}{{&o.FormsPerAddress, 5}, {&o.FormsPerEmail, 3}, {&o.FindsPerAddress, 10}, {&o.RepliesPerTicket, 20}, {&o.ChatPerAddress, 60}} {
		if *l.v <= 0 {
			*l.v = l.def
		}
	}
	if p.tracker, err = tickets.NewTrackingTokens(p.now); err != nil {
		return nil, err
	}
	p.intake = in
	p.limiter = &rateLimiter{db: opt.Pool, q: p.q, now: p.now}
	if err := p.parseTemplates(); err != nil {
		return nil, err
	}
	p.out = &problem.Pages{Templates: p.pages, Catalog: Text, Log: p.log, Failed: "public request failed"}
	p.chatOut = &problem.Pages{Catalog: Text, Log: p.log, Failed: "web chat"} // its errors are JSON, not pages
	sub, err := fs.Sub(publicStaticFS, "static")
	if err != nil {
		return nil, err
	}
	p.static = http.StripPrefix("/help/static/", http.FileServerFS(sub))
	p.chat = newChatHub()
	if p.opt.Engine != nil {
		p.opt.Engine.RegisterSender(ChatChannel, p.chat)
	}
	return p, nil
}

// publicFuncs are the templates' functions; times are shown in the desk's
// zone loc.
func publicFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"when":    func(t time.Time) string { return t.In(loc).Format("02/01/2006 15:04") },
		"isoTime": func(t time.Time) string { return t.In(loc).Format(time.RFC3339) },
		"safeHTML": func(s string) template.HTML {
			return template.HTML(s) // only for the KB renderer's output, sanitised by bluemonday
		},
		"kindKey": func(k kb.Kind) string { return "kind." + string(k) },
	}
}

// parseTemplates builds one set per page: the public layout and the page.
func (p *Site) parseTemplates() (err error) {
	p.pages, err = problem.ParsePages(publicTemplateFS, publicFuncs(p.loc), "templates/layout.html")
	return err
}

// publicView is what every public page receives.
type publicView struct {
	Lang    string
	Title   string
	Path    string
	Query   string // the search box's text
	Embed   bool   // the chat panel inside another site's frame
	Switch  string // this page in the other language
	Error   string
	Notice  string // good news (green)
	Warning string // something the reader must act on (amber), e.g. a mail that did not leave
	Hours   string // the footer's opening hours, from the first level's calendar
	Data    any
}

// T looks a string up in the page's language.
func (v *publicView) T(key string, args ...any) string { return Text.T(v.Lang, key, args...) }

// Other is the other language, for the switch.
func (v *publicView) Other() string {
	if v.Lang == "en" {
		return "it"
	}
	return "en"
}

const langCookie = "hd_lang"

// publicLang picks the language: ?lang= (remembered in a cookie), the
// cookie, then the browser's preference.
func (p *Site) publicLang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		l = i18n.Normalize(l)
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "it" || c.Value == "en") {
		return c.Value
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (p *Site) view(w http.ResponseWriter, r *http.Request, titleKey string, data any) *publicView {
	v := &publicView{Lang: p.publicLang(w, r), Path: r.URL.Path, Data: data}
	v.Hours = p.hours[v.Lang]
	v.Title = v.T(titleKey)
	q := url.Values{}
	if r.Method == http.MethodGet {
		q = r.URL.Query()
		q.Del("flash")
	} else if t := r.PostFormValue("t"); t != "" {
		q.Set("t", t) // a tracking page answered after a post keeps its token
	}
	q.Set("lang", v.Other())
	v.Switch = strings.TrimSuffix(r.URL.Path, "/reply") + "?" + q.Encode()
	return v
}

// render writes a page: the layout, or the chat panel's frame.
func (p *Site) render(w http.ResponseWriter, code int, page string, v *publicView) {
	name := "layout"
	if v.Embed {
		name = "embed"
	}
	p.out.Render(w, code, page, name, v)
}

// Fail shows the public error page.
func (p *Site) Fail(w http.ResponseWriter, r *http.Request, err error) {
	code, key := p.out.Fail(r, err)
	if code == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "600")
	}
	v := p.view(w, r, key, nil)
	v.Error = v.T(key)
	p.render(w, code, "error", v)
}

// Guard sets the public pages' security headers and refuses unsafe
// cross-site requests (Sec-Fetch-Site / Origin): the public forms have no
// session, so this is their CSRF protection.
func (p *Site) Guard(h http.HandlerFunc) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.Fail(w, r, problem.ErrForbidden) }))
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "same-origin")
		frame := "'none'"
		if r.URL.Path == "/help/chat/embed" {
			frame = "*"
			if len(p.opt.ChatFrameAncestors) > 0 {
				frame = strings.Join(p.opt.ChatFrameAncestors, " ")
			}
		} else {
			hdr.Set("X-Frame-Options", "DENY")
		}
		hdr.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; media-src 'self' https:; object-src 'self'; "+
			"frame-ancestors "+frame+"; form-action 'self'; base-uri 'none'")
		h(w, r)
	}))
}

func (p *Site) ServeStatic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	p.static.ServeHTTP(w, r)
}

// clientKey is the address rate limits count by.
func (p *Site) clientKey(r *http.Request) string {
	if p.opt.TrustForwardedFor {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	// Else the peer's address (the console's login lockout counts by
	// the same, never trusting X-Forwarded-For).
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
