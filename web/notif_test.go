// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var notifRowRE = regexp.MustCompile(`<tr class="(notif-unread|notif-read)" id="notif-(\d+)">`)

// notifIDs lists the notification rows of a page: id → unread.
func notifIDs(body string) map[int64]bool {
	out := map[int64]bool{}
	for _, m := range notifRowRE.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[2], 10, 64)
		out[id] = m[1] == "notif-unread"
	}
	return out
}

func TestNotificationsPerUserAndRole(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	// From the fixture's scan: T2's breach goes to the level-1 queue (no
	// assignee); T4's to the supervisors (notify_supervisor) and, escalated
	// and so unassigned, to the level-2 queue. Plus one addressed to Luca
	// alone, and one to Giulia alone that Luca must not see.
	var personal, other int64
	if err := f.tc.pool.Get(&personal, `INSERT INTO notifications (user_id, ticket_id, kind, body, created_at) VALUES ($1, $2, 'sla_warning', 'only for luca', $3) RETURNING id`, f.luca, f.t3.ID, f.tc.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := f.tc.pool.Get(&other, `INSERT INTO notifications (user_id, kind, body, created_at) VALUES ($1, 'sla_warning', 'only for giulia', $2) RETURNING id`, f.giulia, f.tc.clock.Now()); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		user   string
		see    []string // ticket numbers or bodies shown
		notSee []string
		unread int
		forbid bool
	}{
		{user: "luca", see: []string{f.t2.Number, "only for luca", "SLA violato"}, notSee: []string{f.t4.Number, "only for giulia"}, unread: 2},
		{user: "giulia", see: []string{f.t4.Number, "only for giulia"}, notSee: []string{f.t2.Number, "only for luca"}, unread: 2},
		{user: "sara", see: []string{f.t4.Number + ": first_response breached ("}, notSee: []string{f.t2.Number}, unread: 1},
		{user: "anna", see: []string{f.t4.Number}, unread: 1},
		{user: "eva", forbid: true},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := f.tc.login(tt.user)
			code, body, _ := c.get("/console/notifications?lang=it")
			if tt.forbid {
				if code != http.StatusForbidden {
					t.Fatalf("%s: %d, want 403", tt.user, code)
				}
				return
			}
			if code != http.StatusOK {
				t.Fatalf("%d\n%s", code, body)
			}
			for _, s := range tt.see {
				if !strings.Contains(body, s) {
					t.Errorf("does not see %q", s)
				}
			}
			for _, s := range tt.notSee {
				if strings.Contains(body, s) {
					t.Errorf("sees %q", s)
				}
			}
			if want := `data-unread="` + strconv.Itoa(tt.unread) + `"`; !strings.Contains(body, want) {
				t.Errorf("unread count: want %d in %s", tt.unread, regexp.MustCompile(`data-unread="\d+"`).FindString(body))
			}
		})
	}

	luca := f.tc.login("luca")
	// Someone else's notification cannot be marked: nothing changes.
	luca.post("/console/notifications/"+strconv.FormatInt(other, 10)+"/read", nil)
	var readAt *string
	if err := f.tc.pool.Get(&readAt, `SELECT read_at::text FROM notifications WHERE id = $1`, other); err != nil {
		t.Fatal(err)
	}
	if readAt != nil {
		t.Error("luca marked giulia's notification as read")
	}
	// Mark one read: it leaves the unread list, stays in the full one.
	code, _, hdr := luca.post("/console/notifications/"+strconv.FormatInt(personal, 10)+"/read", nil)
	if code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/console/notifications") {
		t.Fatalf("mark read: %d %s", code, hdr.Get("Location"))
	}
	_, body, _ := luca.get("/console/notifications")
	if ids := notifIDs(body); len(ids) != 1 || ids[personal] || !strings.Contains(body, `data-unread="1"`) {
		t.Errorf("after marking one: %v", ids)
	}
	_, all, _ := luca.get("/console/notifications?all=1")
	if ids := notifIDs(all); len(ids) != 2 || ids[personal] {
		t.Errorf("full list: %v", ids)
	}
	// Without the CSRF token the form is refused.
	if code, _, _ := luca.post("/console/notifications/read", url.Values{"csrf": {"forged"}}); code != http.StatusForbidden {
		t.Errorf("forged token: %d", code)
	}
	// Mark all: nothing unread left; the fragment says so too.
	luca.post("/console/notifications/read", nil)
	_, part, _ := luca.get("/console/notifications/list")
	if !strings.Contains(part, `data-unread="0"`) || strings.Contains(part, "<html") {
		t.Errorf("list fragment after mark all:\n%s", part)
	}
	if n := unreadNotifications(t, f.tc, "luca"); n != 0 {
		t.Errorf("luca unread %d, want 0", n)
	}
	// Giulia's are untouched by Luca's mark all.
	if n := unreadNotifications(t, f.tc, "giulia"); n != 2 {
		t.Errorf("giulia unread %d, want 2", n)
	}
}

// unreadNotifications is the number of unread notifications the list
// shows username (its data-unread), read by a fresh login of theirs.
func unreadNotifications(t *testing.T, tc *testConsole, username string) int {
	t.Helper()
	code, body, _ := tc.login(username).get("/console/notifications/list")
	m := regexp.MustCompile(`data-unread="(\d+)"`).FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("%s's notification list: %d\n%s", username, code, body)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}
