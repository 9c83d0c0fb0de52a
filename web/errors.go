// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"errors"
	"net/http"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/i18n"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// The web side's own request errors. Each audience (console, public
// pages, REST API) fails with these and with the stores' sentinels; the
// status they answer is chosen once, by problemOf.
var (
	errForbidden  = errors.New("forbidden")
	errBadRequest = errors.New("bad request")
	errNotFound   = errors.New("not found")
	errConflict   = errors.New("conflict")
	errTooMany    = errors.New("too many requests")
	errMediaType  = errors.New("unsupported media type")
	errNoHandoff  = errors.New("handoff actions are not available")
	// errChatOff: the web chat has no engine on this server.
	errChatOff = errors.New("web chat is not configured")
	// errCSRF: an unsafe request without this session's form token.
	errCSRF = errors.New("request without a valid form token")
	// errCrossOrigin: an unsafe request sent by another site's page.
	errCrossOrigin = errors.New("cross-origin request")
	// errTicketLevel: a level-1 agent and a level-2 ticket they do not hold.
	errTicketLevel = errors.New("ticket needs a higher support level")
	// errNoTicket: a tracking link that opens nothing (unknown number or
	// wrong token: the requester is not told which).
	errNoTicket = errors.New("no ticket for this link")
)

// ErrConflict is returned when an action no longer applies: the thing
// changed meanwhile, or is not in a state that allows it.
var ErrConflict = errors.New("the state changed meanwhile")

// problem is what a failed request tells its client. The status is the
// same whoever asked; the API writes Code in its error object, a page
// shows the message under Key (in the language of the page).
type problem struct {
	Status int
	Code   string // the API's error code (openapi.json's enum)
	Key    string // the message key, "error.…", of the pages' catalogues
}

// problemOf is the one mapping of an error to what the client is told.
// An error nobody mapped is a 500: the handler logs it, the client reads
// no detail.
func problemOf(err error) problem {
	var tooBig *http.MaxBytesError
	var kbVal *kb.ValidationError
	switch {
	case errors.Is(err, agents.ErrTokenInvalid):
		return problem{http.StatusUnauthorized, "unauthorized", "error.login_needed"}
	case errors.Is(err, errCSRF):
		return problem{http.StatusForbidden, "forbidden", "error.csrf"}
	case errors.Is(err, errCrossOrigin):
		return problem{http.StatusForbidden, "forbidden", "error.cross_origin"}
	case errors.Is(err, errTicketLevel):
		return problem{http.StatusForbidden, "forbidden", "error.ticket_level"}
	case errors.Is(err, bots.ErrLevel):
		return problem{http.StatusForbidden, "forbidden", "error.level"}
	case errors.Is(err, errForbidden):
		return problem{http.StatusForbidden, "forbidden", "error.forbidden"}
	case errors.Is(err, errTooMany):
		return problem{http.StatusTooManyRequests, "rate_limited", "error.toomany"}
	case errors.As(err, &tooBig):
		return problem{http.StatusRequestEntityTooLarge, "body_too_large", "error.toolarge"}
	case errors.Is(err, errMediaType):
		return problem{http.StatusUnsupportedMediaType, "unsupported_media_type", "error.badrequest"}
	case errors.Is(err, tickets.ErrNotFound), errors.Is(err, tickets.ErrStepNotFound), errors.Is(err, kb.ErrNotFound),
		errors.Is(err, bots.ErrNotFound), errors.Is(err, errNotFound), errors.Is(err, agents.ErrUserNotFound),
		errors.Is(err, agents.ErrTokenNotFound), errors.Is(err, webhooks.ErrNotFound), errors.Is(err, errNoTicket):
		return problem{http.StatusNotFound, "not_found", "error.notfound"}
	case errors.Is(err, tickets.ErrIllegalTransition), errors.Is(err, kb.ErrTransition):
		return problem{http.StatusConflict, "illegal_transition", "error.conflict"}
	case errors.Is(err, tickets.ErrChecklistIncomplete):
		return problem{http.StatusConflict, "checklist_incomplete", "error.conflict"}
	case errors.Is(err, bots.ErrTaken):
		return problem{http.StatusConflict, "conflict", "error.taken"}
	case errors.Is(err, bots.ErrNotHolder):
		return problem{http.StatusConflict, "conflict", "error.not_holder"}
	case errors.Is(err, ErrConflict), errors.Is(err, errConflict), errors.Is(err, agents.ErrUserExists), errors.Is(err, bots.ErrWrongState):
		return problem{http.StatusConflict, "conflict", "error.conflict"}
	case errors.As(err, &kbVal), errors.Is(err, kb.ErrInvalid), errors.Is(err, tickets.ErrInvalid),
		errors.Is(err, errBadRequest), errors.Is(err, agents.ErrBadScope), errors.Is(err, webhooks.ErrInvalid),
		errors.Is(err, agents.ErrInvalidUser), errors.Is(err, agents.ErrWeakPassword), errors.Is(err, agents.ErrCannedInvalid),
		errors.Is(err, bots.ErrInvalidInbound), errors.Is(err, bots.ErrTooLong):
		return problem{http.StatusBadRequest, "invalid", "error.badrequest"}
	case errors.Is(err, errNoHandoff):
		return problem{http.StatusServiceUnavailable, "unavailable", "error.nohandoff"}
	case errors.Is(err, db.ErrUnavailable), errors.Is(err, errChatOff):
		return problem{http.StatusServiceUnavailable, "unavailable", "error.unavailable"}
	}
	return problem{http.StatusInternalServerError, "internal", "error.internal"}
}

// statusKeys are the messages every page catalogue has, one per status:
// a page whose catalogue lacks a problem's own key (the public pages have
// no "error.taken") says the general thing instead.
var statusKeys = map[int]string{
	http.StatusBadRequest:            "error.badrequest",
	http.StatusUnauthorized:          "error.forbidden",
	http.StatusForbidden:             "error.forbidden",
	http.StatusNotFound:              "error.notfound",
	http.StatusConflict:              "error.conflict",
	http.StatusRequestEntityTooLarge: "error.toolarge",
	http.StatusUnsupportedMediaType:  "error.badrequest",
	http.StatusTooManyRequests:       "error.toomany",
	http.StatusServiceUnavailable:    "error.unavailable",
	http.StatusInternalServerError:   "error.internal",
}

// keyIn is the problem's message key in the catalogue cat: its own key
// when cat has it, else the general one of its status.
func (p problem) keyIn(cat i18n.Catalog) string {
	if _, ok := cat[p.Key]; ok {
		return p.Key
	}
	if k, ok := statusKeys[p.Status]; ok {
		return k
	}
	return "error.internal"
}
