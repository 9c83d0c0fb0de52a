// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// portalServer is the public side of the service in one process: real engine,
// knowledge base (imported from testdata/kb), ticket store and
// server on a fresh test database; mail goes to a recorder unless the
// test gives a Mailer.
type portalServer struct {
	t       *testing.T
	pool    *sqlx.DB
	dbURL   string
	srv     *Server
	ts      *httptest.Server
	engine  *bots.Engine
	tickets *tickets.Store
	kb      *kb.Store
	mail    *mailRecorder
	files   string // attachment folder
}

// mailRecorder is a bots.Sender that keeps what it is asked to mail.
type mailRecorder struct {
	mu   sync.Mutex
	outs []bots.Outbound
	fail error
}

func (m *mailRecorder) Send(_ context.Context, out bots.Outbound) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.outs = append(m.outs, out)
	return nil
}

func (m *mailRecorder) sent() []bots.Outbound {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]bots.Outbound(nil), m.outs...)
}

// waitFor waits for a mail to address.
func (m *mailRecorder) waitFor(t *testing.T, address string) bots.Outbound {
	t.Helper()
	var mail bots.Outbound
	testwait.For(t, "a mail to "+address, func() bool {
		for _, o := range m.sent() {
			if to, _, ok := bots.ParseMailKey(o.ConversationKey); ok && to == strings.ToLower(address) {
				mail = o
				return true
			}
		}
		return false
	})
	return mail
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newPortal starts the service; edit changes the public options (and may
// set a Mailer of its own). The desk is open round the clock.
func newPortal(t *testing.T, edit func(*PublicOptions)) *portalServer {
	t.Helper()
	return newPortalWith(t, portalSetup{Edit: edit})
}

// portalSetup is what a test may choose of the service it starts.
type portalSetup struct {
	Edit func(*PublicOptions)
	// Calendar is the desk's; nil: open round the clock (Europe/Rome).
	Calendar *tickets.BusinessCalendar
	// Now is the clock of the engine, the stores and the pages; nil: time.Now.
	Now func() time.Time
	// Content is the knowledge base's folder, imported and served as the
	// media's root; "": testdata/kb.
	Content string
}

func newPortalWith(t *testing.T, setup portalSetup) *portalServer {
	t.Helper()
	edit := setup.Edit
	ctx := context.Background()
	u := testdb.NewURL(t)
	pool, err := db.Open(ctx, u, db.Options{MaxOpenConns: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	log := quietLog()
	cal := setup.Calendar
	if cal == nil {
		var err error
		cal, err = tickets.NewBusinessCalendar(tickets.CalendarConfig{NoNationalHolidays: true, Hours: map[string]string{
			"mon": "00:00-24:00", "tue": "00:00-24:00", "wed": "00:00-24:00", "thu": "00:00-24:00",
			"fri": "00:00-24:00", "sat": "00:00-24:00", "sun": "00:00-24:00"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	ts, err := tickets.NewStore(tickets.Options{Location: cal.Location(), Now: setup.Now})
	if err != nil {
		t.Fatal(err)
	}
	store, err := kb.NewStore(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	content, err := filepath.Abs(cmp.Or(setup.Content, "testdata/kb"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := store.Import(ctx, content, kb.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 {
		t.Fatalf("test KB rejected: %+v", rep.Rejected)
	}
	searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: time.Hour, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	sev, err := nlp.NewSeverityModel()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	hs.Start()
	t.Cleanup(hs.Close)
	engine, err := bots.New(bots.Options{DB: pool, Tickets: ts, Severity: sev, Calendar: cal, Logger: log, Now: setup.Now,
		Knowledge: &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: hs.URL}, BaseURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	p := &portalServer{t: t, pool: pool, dbURL: u, ts: hs, engine: engine, tickets: ts, kb: store, mail: &mailRecorder{}, files: t.TempDir()}
	pub := PublicOptions{Engine: engine, Mailer: p.mail, Severity: sev, ContentDir: content, AttachmentDir: p.files,
		MaxAttachmentBytes: 64 << 10}
	if edit != nil {
		edit(&pub)
	}
	p.srv, err = New(Options{DB: pool, Pool: pool, Registry: prometheus.NewRegistry(), Logger: log, BaseURL: hs.URL,
		MaxBodyBytes: 1 << 20, Tickets: ts, KB: store, Conversations: engine.Store(), Searcher: searcher, Handoff: engine, Public: pub,
		Calendar: cal, Location: cal.Location(), Now: setup.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.srv.Close)
	hs.Config.Handler = p.srv.Handler()
	return p
}

// client is a visitor's HTTP client: cookies kept, redirects not followed.
func (p *portalServer) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 40 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// get fetches a path and returns status and body.
func (p *portalServer) get(c *http.Client, path string, header ...string) (int, string, http.Header) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.ts.URL+path, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return p.do(c, req)
}

func (p *portalServer) do(c *http.Client, req *http.Request) (int, string, http.Header) {
	p.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// postForm posts url-encoded fields.
func (p *portalServer) postForm(c *http.Client, path string, form url.Values, header ...string) (int, string, http.Header) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return p.do(c, req)
}

// postMultipart posts the web form with an optional file.
func (p *portalServer) postMultipart(c *http.Client, path string, form url.Values, fileName string, file []byte, header ...string) (int, string, http.Header) {
	p.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("attachment", fileName)
		fw.Write(file)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, p.ts.URL+path, &body)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return p.do(c, req)
}

// validForm is a request that passes every check.
func validForm(email string) url.Values {
	return url.Values{"name": {"Giulia Bianchi"}, "email": {email}, "subject": {"La stampante del reparto non stampa"},
		"description": {"Da stamattina la stampante di rete del secondo piano non stampa e i documenti restano in coda."},
		"category":    {"Stampa"}}
}

// trackLinkIn returns the tracking path of a mailed reply.
func trackLinkIn(t *testing.T, base string, out bots.Outbound) string {
	t.Helper()
	for _, l := range out.Links {
		if strings.HasPrefix(l.URL, base+"/track/") {
			return strings.TrimPrefix(l.URL, base)
		}
	}
	t.Fatalf("no tracking link in %+v", out)
	return ""
}
