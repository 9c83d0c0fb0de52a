// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"flag"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/bots"
	"helpdesk/bots/journey"
	"helpdesk/web/portal"
)

var updateJourney = flag.Bool("update", false, "rewrite the journey's golden transcript")

// webJourney is a visitor of the web chat over HTTP: messages and presses
// posted to /help/chat/send, replies read by long polling.
type webJourney struct {
	v     *chatVisitor
	db    *sqlx.DB
	mu    sync.Mutex
	shown []portal.ChatMessage
}

func (j *webJourney) Name() string { return portal.ChatChannel }

func (j *webJourney) Write(t *testing.T, text string) {
	t.Helper()
	if code := j.v.send(map[string]string{"text": text}); code != 200 && code != 202 {
		t.Fatalf("send %q = %d", text, code)
	}
}

func (j *webJourney) Press(t *testing.T, action string, oldest bool) {
	t.Helper()
	shown := j.read()
	for k := range shown {
		i := len(shown) - 1 - k
		if oldest {
			i = k
		}
		for _, b := range shown[i].Buttons {
			if bots.ActionOf(b.Action) == action {
				if code := j.v.send(map[string]string{"action": b.Action}); code != 200 && code != 202 {
					t.Fatalf("press %q = %d", action, code)
				}
				return
			}
		}
	}
	t.Fatalf("no button %q was ever shown", action)
}

// read takes what the chat has for the visitor so far (one poll: the
// journey calls it once the replies are recorded as delivered).
func (j *webJourney) read() []portal.ChatMessage {
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		// A poll with nothing new waits (long polling): ask only when the
		// database has something after what was read.
		var newer int
		if err := j.db.Get(&newer, `SELECT count(*) FROM messages WHERE channel = $1 AND id > $2`, portal.ChatChannel, j.v.after); err != nil || newer == 0 {
			break
		}
		d, err := j.v.tryPoll()
		if err != nil || len(d.Messages) == 0 {
			break
		}
		for _, m := range d.Messages {
			if m.From != "me" {
				j.shown = append(j.shown, m)
			}
		}
	}
	return append([]portal.ChatMessage(nil), j.shown...)
}

func (j *webJourney) Shown() []journey.Shown {
	var out []journey.Shown
	for _, m := range j.read() {
		s := journey.Shown{Text: m.HTML}
		for _, l := range m.Links {
			s.Text += "\n(link) " + l.Label + " " + l.URL
		}
		for _, b := range m.Buttons {
			s.Buttons = append(s.Buttons, journey.Button{Label: b.Label, Action: b.Action})
		}
		out = append(out, s)
	}
	return out
}

// TestJourney plays the one scripted journey through the web chat's HTTP
// API and the production server; the transcript is
// testdata/journeys/web.golden (go test -run TestJourney -update).
func TestJourney(t *testing.T) {
	t.Parallel()
	desk := journey.NewDesk(t, "../content/kb")
	content, err := filepath.Abs("../content/kb")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	hs.Start()
	t.Cleanup(hs.Close)
	p := &portalServer{t: t, pool: desk.DB, ts: hs, engine: desk.Engine, tickets: desk.Tickets, kb: desk.KB, mail: &mailRecorder{}, files: t.TempDir()}
	pub := PublicOptions{Engine: desk.Engine, Mailer: p.mail, Severity: desk.Severity, ContentDir: content, AttachmentDir: p.files,
		MaxAttachmentBytes: 64 << 10}
	p.srv, err = New(Options{DB: desk.DB, Pool: desk.DB, Registry: prometheus.NewRegistry(), Logger: quietLog(), BaseURL: hs.URL,
		MaxBodyBytes: 1 << 20, Tickets: desk.Tickets, KB: desk.KB, Conversations: desk.Engine.Store(), Searcher: desk.Searcher,
		Handoff: desk.Engine, Public: pub})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.srv.Close)
	hs.Config.Handler = p.srv.Handler()
	journey.Run(t, &webJourney{v: p.visitor(), db: desk.DB}, desk, *updateJourney)
}
