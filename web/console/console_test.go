// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
)

// TestTemplateFuncs: the helpers every page uses; times in the desk's
// zone, never the process's.
func TestTemplateFuncs(t *testing.T) {
	t.Parallel()
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	f := templateFuncs(rome)
	if got := f["when"].(func(time.Time) string)(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)); got != "2026-03-02 11:00" {
		t.Errorf("when = %q", got)
	}
	n := int64(42)
	if f["deref"].(func(*int64) int64)(nil) != 0 || f["deref"].(func(*int64) int64)(&n) != 42 {
		t.Error("deref")
	}
	if !f["eq1"].(func(a, b any) bool)(int64(3), "3") || f["eq1"].(func(a, b any) bool)(3, 4) {
		t.Error("eq1")
	}
	if f["sub1"].(func(int) int)(3) != 2 {
		t.Error("sub1")
	}
	md := string(f["markdown"].(func(string) template.HTML)("**x** <script>y</script>"))
	if !strings.Contains(md, "<strong>x</strong>") || strings.Contains(md, "<script>") {
		t.Errorf("markdown = %q", md)
	}
	v := &view{Lang: "en", Data: 1}
	if p := f["partView"].(func(*view, any) *view)(v, 2); p.Data != 2 || v.Data != 1 || p.Lang != "en" {
		t.Error("partView changed the page's view or lost its language")
	}
}

// TestViewHelpers: labels fall back to the value, the menu's current
// section and the language switch.
func TestViewHelpers(t *testing.T) {
	t.Parallel()
	v := &view{Lang: "it", Path: "/console/tickets/12"}
	if got := v.Label("level.", "high"); got != Text.T("it", "level.high") {
		t.Errorf("Label = %q", got)
	}
	if got := v.Label("level.", "cosmic"); got != "cosmic" {
		t.Errorf("an unknown value = %q, want it as it is", got)
	}
	if !v.Current("/console/kb", "/console/tickets") || v.Current("/console/inbox") {
		t.Error("Current")
	}
	if v.Other() != "en" || (&view{Lang: "en"}).Other() != "it" {
		t.Error("Other")
	}
	if v.Can("GET /console/tickets") {
		t.Error("a view without a session may use a route")
	}
}

// TestPageLang: ?lang= first, then the cookie of an earlier choice, then
// the user's profile, then the browser's.
func TestPageLang(t *testing.T) {
	t.Parallel()
	c := &Console{}
	req := func(query, cookie, profile, accept string) *http.Request {
		r := httptest.NewRequest("GET", "/console/tickets"+query, nil)
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: consoleLangCookie, Value: cookie})
		}
		if profile != "" {
			r = r.WithContext(c.withSession(r.Context(), &agents.Session{User: agents.User{Lang: profile}}))
		}
		r.Header.Set("Accept-Language", accept)
		return r
	}
	for _, tt := range []struct {
		r    *http.Request
		want string
	}{
		{req("?lang=en", "it", "it", "it"), "en"},
		{req("", "en", "it", "it"), "en"},
		{req("", "", "en", "it"), "en"},
		{req("", "", "", "en-GB,en;q=0.9"), "en"},
		{req("", "", "", ""), "it"},
	} {
		if got := pageLang(tt.r); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.r.URL, tt.r.Cookies(), got, tt.want)
		}
	}
}

// TestNewView: the session's user and token, a flash only from the
// catalogue's flash keys, the model's problem only from its assist keys,
// and the links the user's role may use.
func TestNewView(t *testing.T) {
	t.Parallel()
	c := &Console{roleAllowed: func(p string, r agents.Role) bool { return p == "GET /console/kb" && r == agents.RoleEditor }}
	r := httptest.NewRequest("GET", "/console/kb?lang=en&flash=flash.saved&problem=assist.stale", nil)
	r = r.WithContext(c.withSession(r.Context(), &agents.Session{CSRF: "tok", User: agents.User{Username: "edo", Role: agents.RoleEditor}}))
	v := c.newView(r, "kb.title", nil)
	if v.User == nil || v.User.Username != "edo" || v.CSRF != "tok" || v.Title != Text.T("en", "kb.title") {
		t.Errorf("view %+v", v)
	}
	if v.Flash != Text.T("en", "flash.saved") || v.Error != Text.T("en", "assist.stale") || v.Assist {
		t.Errorf("flash %q, error %q, assist %v", v.Flash, v.Error, v.Assist)
	}
	if !v.Can("GET /console/kb") || v.Can("GET /console/tickets") {
		t.Error("Can does not follow the route table")
	}
	// Keys from elsewhere are not shown: a link cannot put any text of
	// the catalogue on the page.
	r = httptest.NewRequest("GET", "/console/kb?flash=login.title&problem=error.internal", nil)
	if v := c.newView(r, "kb.title", nil); v.Flash != "" || v.Error != "" || v.User != nil {
		t.Errorf("foreign keys shown: %q %q", v.Flash, v.Error)
	}
}

func TestRedirectAndActor(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{"/console/kb": "/console/kb?flash=flash.saved", "/console/tickets?state=open": "/console/tickets?state=open&flash=flash.saved",
		// The flash goes in the query, before the fragment: after it, the
		// browser takes it as part of the fragment and shows no message.
		"/console/kb/x#learned": "/console/kb/x?flash=flash.saved#learned", "/console/tickets/3?a=1#checklists": "/console/tickets/3?a=1&flash=flash.saved#checklists"} {
		w := httptest.NewRecorder()
		redirect(w, httptest.NewRequest("POST", path, nil), path, "flash.saved")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
			t.Errorf("redirect(%s) = %d %s, want %s", path, w.Code, w.Header().Get("Location"), want)
		}
	}
	w := httptest.NewRecorder()
	redirect(w, httptest.NewRequest("POST", "/x", nil), "/console/inbox", "")
	if w.Header().Get("Location") != "/console/inbox" {
		t.Errorf("without a flash: %s", w.Header().Get("Location"))
	}
	r := httptest.NewRequest("GET", "/", nil)
	if actor(r) != "user:?" {
		t.Errorf("no session: %s", actor(r))
	}
	r = r.WithContext((&Console{}).withSession(r.Context(), &agents.Session{User: agents.User{Username: "anna"}}))
	if actor(r) != "user:anna" {
		t.Errorf("actor = %s", actor(r))
	}
}

// TestRender: a page in the layout, a "_part" page alone (for live
// updates), and a page that does not exist as a clean 500.
func TestRender(t *testing.T) {
	t.Parallel()
	c, err := New(Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := httptest.NewRequest("GET", "/console/login?lang=en", nil)
	w := httptest.NewRecorder()
	c.render(w, r, http.StatusUnauthorized, "login", c.newView(r, "login.title", loginData{Next: "/console/"}))
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "<html") || !strings.Contains(w.Body.String(), Text.T("en", "login.submit")) {
		t.Errorf("login page = %d\n%s", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	c.render(w, r, http.StatusOK, "notif_part", c.newView(r, "app.name", &notifData{lang: "en", loc: time.UTC}))
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "<html") || !strings.Contains(w.Body.String(), "data-unread") {
		t.Errorf("fragment = %d\n%s", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	c.render(w, r, http.StatusOK, "nothing", c.newView(r, "login.title", nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("a missing page = %d", w.Code)
	}
}
