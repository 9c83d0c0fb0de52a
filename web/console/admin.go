// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"helpdesk/web/problem"
	"net/http"
	"net/url"
	"strings"

	"helpdesk/agents"
)

type adminUsersData struct {
	Users []agents.User
	Roles []agents.Role
}

func (c *Console) AdminUsers(w http.ResponseWriter, r *http.Request) {
	us, err := c.users.List(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "users", c.newView(r, "users.title", adminUsersData{Users: us, Roles: agents.Roles}))
}

func (c *Console) AdminAddUser(w http.ResponseWriter, r *http.Request) {
	_, err := c.users.Add(r.Context(), agents.NewUser{
		Username: r.PostFormValue("username"), DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		Email: strings.TrimSpace(r.PostFormValue("email")), Lang: r.PostFormValue("user_lang"),
		Role: agents.Role(r.PostFormValue("role")), Password: r.PostFormValue("password"),
	})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/admin/users", "flash.saved")
}

func (c *Console) AdminSetRole(w http.ResponseWriter, r *http.Request) {
	if err := c.users.SetRole(r.Context(), r.PathValue("username"), agents.Role(r.PostFormValue("role"))); err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/admin/users", "flash.saved")
}

func (c *Console) AdminSetActive(w http.ResponseWriter, r *http.Request) {
	username := r.PathValue("username")
	if s := sessionFrom(r); s != nil && strings.EqualFold(s.Username, username) {
		c.Fail(w, r, problem.ErrForbidden) // an admin does not lock themselves out
		return
	}
	if err := c.users.SetActive(r.Context(), username, r.PostFormValue("active") == "true"); err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/admin/users?u="+url.QueryEscape(username), "flash.saved")
}
