// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"

	"github.com/lib/pq"
)

func TestNotifRoles(t *testing.T) {
	t.Parallel()
	if got := notifRoles(agents.RoleAdmin); !slices.Equal(got, []string{"admin", "supervisor"}) {
		t.Errorf("admin sees %v", got)
	}
	if got := notifRoles(agents.RoleAgentL1); !slices.Equal(got, []string{"agent_l1"}) {
		t.Errorf("agent_l1 sees %v", got)
	}
}

// TestNotifications: a user's list holds what is addressed to them and to
// their role (an admin's also the supervisors'), never another user's; the
// count the list shows is the console's unread query; marking one read
// (only one the user sees) and all read.
func TestNotifications(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	luca := d.session("luca", agents.RoleAgentL1)
	giulia := d.session("giulia", agents.RoleAgentL2)
	anna := d.session("anna", agents.RoleAdmin)
	add := func(user *int64, role, body string) int64 {
		t.Helper()
		var id int64
		if err := d.pool.Get(&id, `INSERT INTO notifications (user_id, role, kind, body, created_at) VALUES ($1, $2, 'sla_breach', $3, $4) RETURNING id`,
			user, role, body, d.now); err != nil {
			t.Fatal(err)
		}
		return id
	}
	mine := add(&luca.ID, "", "per luca")
	add(nil, "agent_l1", "coda di primo livello")
	theirs := add(&giulia.ID, "", "per giulia")
	add(nil, "supervisor", "violazione da sapere")

	list := func(s *agents.Session, query string) string {
		t.Helper()
		w := d.serve(s, "GET /console/notifications/list", d.c.NotifList, "GET", "/console/notifications/list"+query, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("list: %d\n%s", w.Code, w.Body.String())
		}
		return w.Body.String()
	}
	unread := func(s *agents.Session, body string) {
		t.Helper()
		q, err := loadNotifQueries()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.pool.Get(&n, q.Unread, s.ID, pq.Array(notifRoles(s.Role))); err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`data-unread="(\d+)"`).FindStringSubmatch(body); m == nil || m[1] != strconv.Itoa(n) {
			t.Errorf("%s: the list shows %v unread, the query counts %d", s.Username, m, n)
		}
	}
	body := list(luca, "?lang=it")
	if !strings.Contains(body, "per luca") || !strings.Contains(body, "coda di primo livello") || strings.Contains(body, "per giulia") ||
		strings.Contains(body, "violazione da sapere") || !strings.Contains(body, `data-unread="2"`) {
		t.Errorf("luca's list:\n%s", body)
	}
	unread(luca, body)
	if body := list(anna, ""); !strings.Contains(body, "violazione da sapere") || strings.Contains(body, "per luca") {
		t.Errorf("anna's list:\n%s", body)
	}
	read := func(s *agents.Session, id int64) int {
		t.Helper()
		return d.serve(s, "POST /console/notifications/{id}/read", d.c.NotifRead, "POST", "/console/notifications/"+strconv.FormatInt(id, 10)+"/read", url.Values{}).Code
	}
	read(luca, theirs) // not luca's: nothing changes
	var readAt *time.Time
	if err := d.pool.Get(&readAt, `SELECT read_at FROM notifications WHERE id = $1`, theirs); err != nil {
		t.Fatal(err)
	}
	if readAt != nil {
		t.Error("luca marked giulia's notification as read")
	}
	if code := read(luca, mine); code != http.StatusSeeOther {
		t.Fatalf("mark read = %d", code)
	}
	if body := list(luca, ""); strings.Contains(body, "per luca") || !strings.Contains(body, `data-unread="1"`) {
		t.Errorf("after marking one:\n%s", body)
	}
	if body := list(luca, "?all=1"); !strings.Contains(body, "per luca") {
		t.Error("the full list lacks the one read")
	}
	if code := read(luca, 0); code != http.StatusBadRequest {
		t.Errorf("a bad id = %d, want 400", code)
	}
	w := d.serve(luca, "POST /console/notifications/read", d.c.NotifReadAll, "POST", "/console/notifications/read", url.Values{"all": {"1"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/notifications?all=1&flash=flash.saved" {
		t.Fatalf("mark all = %d %s", w.Code, w.Header().Get("Location"))
	}
	body = list(luca, "")
	if !strings.Contains(body, `data-unread="0"`) {
		t.Errorf("after marking all:\n%s", body)
	}
	unread(luca, body)
	if w := d.serve(luca, "GET /console/notifications/list", d.c.NotifList, "GET", "/console/notifications/list?all=2", nil); w.Code != http.StatusBadRequest {
		t.Errorf("a bad filter = %d, want 400", w.Code)
	}
	page := d.serve(giulia, "GET /console/notifications", d.c.NotifPage, "GET", "/console/notifications?lang=en", nil)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "<html") || !strings.Contains(page.Body.String(), "per giulia") {
		t.Errorf("giulia's page = %d", page.Code)
	}
}

// TestNotifData: kinds and roles in words (as they are when unknown),
// times in the desk's zone, the ticket's link.
func TestNotifData(t *testing.T) {
	t.Parallel()
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	d := &notifData{lang: "en", loc: rome}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if d.When(at) != "2026-03-02 11:00" || d.ReadText(nil) != "" || !strings.Contains(d.ReadText(&at), "2026-03-02 11:00") {
		t.Errorf("times: %q %q", d.When(at), d.ReadText(&at))
	}
	if d.Kind("sla_breach") == "sla_breach" || d.Kind("cosmic") != "cosmic" {
		t.Errorf("kinds: %q %q", d.Kind("sla_breach"), d.Kind("cosmic"))
	}
	if d.RoleName("supervisor") != Text.T("en", "role.supervisor") || d.RoleName("cosmic") != "cosmic" {
		t.Errorf("roles: %q", d.RoleName("supervisor"))
	}
	id := int64(12)
	if (Notification{TicketID: &id}).TicketLink() != "/console/tickets/12" || (Notification{}).TicketLink() != "" {
		t.Error("TicketLink")
	}
}
