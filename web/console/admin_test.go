// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
)

// TestAdminUsers: an admin lists, adds, changes the role of and
// deactivates users; invalid input is refused with 400, a duplicate with
// 409, and an admin cannot lock themselves out.
func TestAdminUsers(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	anna := d.session("anna", agents.RoleAdmin)
	post := func(pattern string, h http.HandlerFunc, target string, form url.Values) (int, string) {
		t.Helper()
		w := d.serve(anna, pattern, h, "POST", target, form)
		return w.Code, w.Header().Get("Location")
	}
	add := url.Values{"username": {"luca"}, "display_name": {" Luca Neri "}, "email": {"luca@example.org"}, "user_lang": {"it"},
		"role": {"agent_l1"}, "password": {"una-password-lunga"}}
	if code, loc := post("POST /console/admin/users", d.c.AdminAddUser, "/console/admin/users", add); code != http.StatusSeeOther || loc != "/console/admin/users?flash=flash.saved" {
		t.Fatalf("add = %d %s", code, loc)
	}
	if code, _ := post("POST /console/admin/users", d.c.AdminAddUser, "/console/admin/users", add); code != http.StatusConflict {
		t.Errorf("the same username again = %d, want 409", code)
	}
	weak := url.Values{"username": {"eva"}, "role": {"editor"}, "password": {"short"}}
	if code, _ := post("POST /console/admin/users", d.c.AdminAddUser, "/console/admin/users", weak); code != http.StatusBadRequest {
		t.Errorf("a weak password = %d, want 400", code)
	}
	w := d.serve(anna, "GET /console/admin/users", d.c.AdminUsers, "GET", "/console/admin/users?lang=en", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Luca Neri") || strings.Contains(w.Body.String(), ">eva<") {
		t.Fatalf("users page = %d\n%s", w.Code, w.Body.String())
	}

	role := "POST /console/admin/users/{username}/role"
	if code, _ := post(role, d.c.AdminSetRole, "/console/admin/users/luca/role", url.Values{"role": {"agent_l2"}}); code != http.StatusSeeOther {
		t.Fatalf("set role = %d", code)
	}
	if code, _ := post(role, d.c.AdminSetRole, "/console/admin/users/luca/role", url.Values{"role": {"overlord"}}); code != http.StatusBadRequest {
		t.Errorf("an unknown role = %d, want 400", code)
	}
	if code, _ := post(role, d.c.AdminSetRole, "/console/admin/users/nobody/role", url.Values{"role": {"agent_l2"}}); code != http.StatusNotFound {
		t.Errorf("an unknown user = %d, want 404", code)
	}

	active := "POST /console/admin/users/{username}/active"
	if code, _ := post(active, d.c.AdminSetActive, "/console/admin/users/ANNA/active", url.Values{"active": {"false"}}); code != http.StatusForbidden {
		t.Errorf("deactivating oneself = %d, want 403", code)
	}
	if code, loc := post(active, d.c.AdminSetActive, "/console/admin/users/luca/active", url.Values{"active": {"false"}}); code != http.StatusSeeOther || loc != "/console/admin/users?u=luca&flash=flash.saved" {
		t.Fatalf("deactivate = %d %s", code, loc)
	}
	us, err := d.users.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		switch u.Username {
		case "luca":
			if u.Role != agents.RoleAgentL2 || u.Active || u.DisplayName != "Luca Neri" || u.Email != "luca@example.org" {
				t.Errorf("luca = %+v", u)
			}
		case "anna":
			if !u.Active {
				t.Error("anna was deactivated")
			}
		}
	}
}
