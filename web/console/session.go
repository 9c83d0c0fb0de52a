// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"crypto/subtle"
	"net"
	"net/http"

	"helpdesk/agents"
)

// The sessions themselves (login, lockout, expiry) are agents.Sessions;
// this file holds what only HTTP knows of them.

const sessionCookie = "helpdesk_session"

// validCSRF compares the request's token with the session's in constant time.
func validCSRF(sess *agents.Session, r *http.Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

// clientAddr is the peer's IP address. X-Forwarded-For is not trusted:
// anyone could send one and dodge the per-address lockout.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
