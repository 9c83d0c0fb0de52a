// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"errors"
	"helpdesk/web/problem"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"helpdesk/agents"
	"helpdesk/internal/i18n"
)

// Route is one console route and the roles allowed on it (nil: public);
// web/routes.go lists them all, Guard checks them.
type Route struct {
	Pattern string
	Roles   []agents.Role
	Handler http.HandlerFunc
}

// Guard wraps one console route: it loads the session, sends anonymous
// users to the login page, answers 403 to roles the route does not
// allow, and checks the CSRF token on every unsafe method. It is the only
// place access is decided.
func (c *Console) Guard(rt Route) http.Handler {
	var h http.Handler = rt.Handler
	// Cross-origin protection (Sec-Fetch-Site / Origin) refuses unsafe
	// requests from other sites before they reach us; it also covers the
	// login form, which has no session (and so no token) yet.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.Fail(w, r, problem.ErrCrossOrigin)
	}))
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "same-origin")
		hdr.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; media-src 'self' https:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		if l := r.URL.Query().Get("lang"); l != "" {
			http.SetCookie(w, &http.Cookie{Name: consoleLangCookie, Value: i18n.Normalize(l), Path: "/console/",
				HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
		}
		var sess *agents.Session
		if ck, err := r.Cookie(sessionCookie); err == nil {
			s, err := c.sessions.Lookup(r.Context(), ck.Value)
			if err != nil {
				c.Fail(w, r, err)
				return
			}
			sess = s
		}
		if sess != nil {
			r = r.WithContext(c.withSession(r.Context(), sess))
		}
		if rt.Roles == nil {
			h.ServeHTTP(w, r)
			return
		}
		if sess == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/console/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			v := c.newView(r, "login.title", nil)
			v.Error = v.T("error.login_needed")
			c.render(w, r, http.StatusUnauthorized, "error", v)
			return
		}
		if !c.mayUse(rt.Pattern, sess.Role) {
			c.Fail(w, r, problem.ErrForbidden)
			return
		}
		if unsafeMethod(r.Method) && !validCSRF(sess, r) {
			c.Fail(w, r, problem.ErrCSRF)
			return
		}
		if ticketRoute(rt.Pattern) {
			if err := c.ticketAccess(r, sess); err != nil {
				c.Fail(w, r, err)
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

func (c *Console) Static(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	c.staticDir.ServeHTTP(w, r)
}

type loginData struct {
	Username string
	Next     string
}

func (c *Console) LoginPage(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r) != nil {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
		return
	}
	c.render(w, r, http.StatusOK, "login", c.newView(r, "login.title", loginData{Next: safeNext(r.URL.Query().Get("next"))}))
}

// safeNext keeps a post-login redirect inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/console/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/console/"
	}
	return next
}

func (c *Console) LoginSubmit(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	token, _, err := c.sessions.Login(r.Context(), username, password, clientAddr(r), r.UserAgent())
	if err != nil {
		v := c.newView(r, "login.title", loginData{Username: username, Next: next})
		var locked *agents.LockedError
		code := http.StatusUnauthorized
		switch {
		case errors.As(err, &locked):
			code = http.StatusTooManyRequests
			d := max(locked.Until.Sub(c.now()), 0)
			mins := int((d + time.Minute - 1) / time.Minute)
			w.Header().Set("Retry-After", strconv.Itoa(int(d/time.Second)+1))
			v.Error = v.T("login.locked", locked.Until.In(c.loc).Format("15:04"), mins)
		case errors.Is(err, agents.ErrLoginRejected):
			v.Error = v.T("login.wrong")
		default:
			c.Fail(w, r, err)
			return
		}
		c.render(w, r, code, "login", v)
		return
	}
	// A browser-session cookie: the server enforces idle and absolute
	// expiry, and closing the browser forgets the token as well.
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/console/", HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) Logout(w http.ResponseWriter, r *http.Request) {
	if s := sessionFrom(r); s != nil {
		if c.handoff != nil && c.roleAllowed("POST /console/presence", s.Role) {
			// Nobody is assigned conversations after leaving.
			if err := c.handoff.SetPresence(r.Context(), s.ID, false); err != nil {
				c.log.Warn("set presence away at logout", "user", s.Username, "err", err)
			}
		}
		if err := c.sessions.Logout(r.Context(), s); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/console/", HttpOnly: true,
		Secure: c.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	redirect(w, r, "/console/login", "flash.logged_out")
}

// dashboard sends each role to where its work is.
func (c *Console) Dashboard(w http.ResponseWriter, r *http.Request) {
	switch sessionFrom(r).Role {
	case agents.RoleEditor:
		http.Redirect(w, r, "/console/kb", http.StatusSeeOther)
	case agents.RoleAdmin:
		http.Redirect(w, r, "/console/tickets", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/console/inbox", http.StatusSeeOther)
	}
}
