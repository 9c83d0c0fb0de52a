// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/lib/pq"

	"helpdesk/agents"
	"helpdesk/internal/db"
)

//go:embed notif_queries.sql
var notifQueryFS embed.FS

type notifQueries struct {
	List   string `query:"notif-list"`
	Unread string `query:"notif-unread"`
}

// loadNotifQueries reads the notifications' SQL; it is a few hundred
// bytes of an embedded file, so it is read per request rather than kept
// in the console.
func loadNotifQueries() (*notifQueries, error) {
	var q notifQueries
	if err := db.ScanQueries(&q, notifQueryFS, "notif_queries.sql"); err != nil {
		return nil, err
	}
	return &q, nil
}

// Notification is one SLA warning or breach shown in the console.
type Notification struct {
	ID           int64      `db:"id"`
	Personal     bool       `db:"personal"` // addressed to the user, not to their role
	Role         string     `db:"role"`
	TicketID     *int64     `db:"ticket_id"`
	TicketNumber string     `db:"ticket_number"`
	Kind         string     `db:"kind"`
	Body         string     `db:"body"`
	CreatedAt    time.Time  `db:"created_at"`
	ReadAt       *time.Time `db:"read_at"`
}

// notifRoles are the roles whose shared notifications a user sees: their
// own, and for admins the supervisors' (breaches a supervisor must know).
func notifRoles(r agents.Role) []string {
	if r == agents.RoleAdmin {
		return []string{string(agents.RoleAdmin), string(agents.RoleSupervisor)}
	}
	return []string{string(r)}
}

// notifLimit bounds the list: older notifications are history, kept in
// the ticket's events.
const notifLimit = 100

// notifData is what the notifications page and its list receive.
type notifData struct {
	lang     string
	loc      *time.Location
	Items    []Notification
	Unread   int
	ShowRead bool
	CSRF     string
	ListHTML template.HTML
}

// T looks up a notifications string in the page's language.
func (d *notifData) T(key string, args ...any) string { return reportText.T(d.lang, key, args...) }

// Kind is the translated kind of a notification.
func (d *notifData) Kind(kind string) string {
	if _, ok := reportText["notif.kind."+kind]; ok {
		return d.T("notif.kind." + kind)
	}
	return kind
}

// RoleName is the translated name of the role a notification was sent to.
func (d *notifData) RoleName(role string) string {
	if _, ok := Text["role."+role]; ok {
		return Text.T(d.lang, "role."+role)
	}
	return role
}

// When writes a time in the desk's zone.
func (d *notifData) When(t time.Time) string { return t.In(d.loc).Format("2006-01-02 15:04") }

// ReadText says when a notification was read.
func (d *notifData) ReadText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return d.T("notif.read_at", d.When(*t))
}

// loadNotifications reads the logged-in user's notifications and renders
// their list.
func (c *Console) loadNotifications(r *http.Request) (*notifData, error) {
	q, err := loadNotifQueries()
	if err != nil {
		return nil, err
	}
	s := sessionFrom(r)
	ctx := r.Context()
	all, err := filterChoice(filterQuery(r), "all", []string{"0", "1"})
	if err != nil {
		return nil, err
	}
	d := &notifData{lang: pageLang(r), loc: c.loc, ShowRead: all == "1", CSRF: s.CSRF}
	roles := pq.Array(notifRoles(s.Role))
	if err := c.db.SelectContext(ctx, &d.Items, q.List, s.ID, roles, d.ShowRead, notifLimit); err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	if err := c.db.GetContext(ctx, &d.Unread, q.Unread, s.ID, roles); err != nil {
		return nil, fmt.Errorf("unread notifications: %w", err)
	}
	var buf bytes.Buffer
	if err := c.pages["notif_part"].ExecuteTemplate(&buf, "notiflist", d); err != nil {
		return nil, fmt.Errorf("render notifications: %w", err)
	}
	d.ListHTML = template.HTML(buf.String()) // produced by html/template
	return d, nil
}

// notifPage lists the notifications with their unread count.
func (c *Console) NotifPage(w http.ResponseWriter, r *http.Request) {
	d, err := c.loadNotifications(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	v := c.newView(r, "app.name", d)
	v.Title = d.T("notif.title")
	c.render(w, r, http.StatusOK, "notif", v)
}

// notifList serves the list alone, for the page's live refresh.
func (c *Console) NotifList(w http.ResponseWriter, r *http.Request) {
	d, err := c.loadNotifications(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "notif_part", c.newView(r, "app.name", d))
}

// notifRead marks one notification as read; one the user may not see is
// not found.
func (c *Console) NotifRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.markNotifications(w, r, func(s *agents.Session) error {
		return c.tickets.MarkNotificationRead(r.Context(), c.db, s.ID, notifRoles(s.Role), id, c.now())
	})
}

// notifReadAll marks every unread notification of the user as read.
func (c *Console) NotifReadAll(w http.ResponseWriter, r *http.Request) {
	c.markNotifications(w, r, func(s *agents.Session) error {
		return c.tickets.MarkAllNotificationsRead(r.Context(), c.db, s.ID, notifRoles(s.Role), c.now())
	})
}

func (c *Console) markNotifications(w http.ResponseWriter, r *http.Request, mark func(*agents.Session) error) {
	if err := mark(sessionFrom(r)); err != nil {
		c.Fail(w, r, err)
		return
	}
	back := "/console/notifications"
	if r.FormValue("all") == "1" {
		back += "?all=1"
	}
	redirect(w, r, back, "flash.saved")
}

// TicketLink is the ticket page of a notification ("" without one).
func (n Notification) TicketLink() string {
	if n.TicketID == nil {
		return ""
	}
	return "/console/tickets/" + strconv.FormatInt(*n.TicketID, 10)
}
