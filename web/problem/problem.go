// SPDX-License-Identifier: EUPL-1.2

// Package problem is the one mapping of an error to what a client of
// the web side is told: the HTTP status (the same for the console, the
// public pages and the REST API), the API's error code and the message key
// of the pages' catalogues. It also holds the web side's own request
// errors (forbidden, bad request, CSRF…), which every audience fails with
// beside the stores' sentinels.
//
// It is a package of its own, below web/console, web/portal and web/api,
// because package web imports those three to list their routes: the
// mapping they all call cannot live in web itself.
package problem

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
// status they answer is chosen once, by Of.
var (
	ErrForbidden  = errors.New("forbidden")
	ErrBadRequest = errors.New("bad request")
	ErrNotFound   = errors.New("not found")
	ErrConflict   = errors.New("conflict")
	ErrTooMany    = errors.New("too many requests")
	ErrMediaType  = errors.New("unsupported media type")
	ErrNoHandoff  = errors.New("handoff actions are not available")
	// ErrChatOff: the web chat has no engine on this server.
	ErrChatOff = errors.New("web chat is not configured")
	// ErrCSRF: an unsafe request without this session's form token.
	ErrCSRF = errors.New("request without a valid form token")
	// ErrCrossOrigin: an unsafe request sent by another site's page.
	ErrCrossOrigin = errors.New("cross-origin request")
	// ErrTicketLevel: a level-1 agent and a level-2 ticket they do not hold.
	ErrTicketLevel = errors.New("ticket needs a higher support level")
	// ErrNoTicket: a tracking link that opens nothing (unknown number or
	// wrong token: the requester is not told which).
	ErrNoTicket = errors.New("no ticket for this link")
)

// ErrChanged is returned when an action no longer applies: the thing
// changed meanwhile, or is not in a state that allows it.
var ErrChanged = errors.New("the state changed meanwhile")

// Problem is what a failed request tells its client. The status is the
// same whoever asked; the API writes Code in its error object, a page
// shows the message under Key (in the language of the page).
type Problem struct {
	Status int
	Code   string // the API's error code (openapi.json's enum)
	Key    string // the message key, "error.…", of the pages' catalogues
}

// Of is the one mapping of an error to what the client is told.
// An error nobody mapped is a 500: the handler logs it, the client reads
// no detail.
func Of(err error) Problem {
	var tooBig *http.MaxBytesError
	var kbVal *kb.ValidationError
	switch {
	case errors.Is(err, agents.ErrTokenInvalid):
		return Problem{http.StatusUnauthorized, "unauthorized", "error.login_needed"}
	case errors.Is(err, ErrCSRF):
		return Problem{http.StatusForbidden, "forbidden", "error.csrf"}
	case errors.Is(err, ErrCrossOrigin):
		return Problem{http.StatusForbidden, "forbidden", "error.cross_origin"}
	case errors.Is(err, ErrTicketLevel):
		return Problem{http.StatusForbidden, "forbidden", "error.ticket_level"}
	case errors.Is(err, bots.ErrLevel):
		return Problem{http.StatusForbidden, "forbidden", "error.level"}
	case errors.Is(err, ErrForbidden):
		return Problem{http.StatusForbidden, "forbidden", "error.forbidden"}
	case errors.Is(err, ErrTooMany):
		return Problem{http.StatusTooManyRequests, "rate_limited", "error.toomany"}
	case errors.As(err, &tooBig):
		return Problem{http.StatusRequestEntityTooLarge, "body_too_large", "error.toolarge"}
	case errors.Is(err, ErrMediaType):
		return Problem{http.StatusUnsupportedMediaType, "unsupported_media_type", "error.badrequest"}
	case errors.Is(err, tickets.ErrNotFound), errors.Is(err, tickets.ErrStepNotFound), errors.Is(err, kb.ErrNotFound),
		errors.Is(err, bots.ErrNotFound), errors.Is(err, ErrNotFound), errors.Is(err, agents.ErrUserNotFound),
		errors.Is(err, agents.ErrTokenNotFound), errors.Is(err, webhooks.ErrNotFound), errors.Is(err, ErrNoTicket):
		return Problem{http.StatusNotFound, "not_found", "error.notfound"}
	case errors.Is(err, tickets.ErrIllegalTransition), errors.Is(err, kb.ErrTransition):
		return Problem{http.StatusConflict, "illegal_transition", "error.conflict"}
	case errors.Is(err, tickets.ErrChecklistIncomplete):
		return Problem{http.StatusConflict, "checklist_incomplete", "error.conflict"}
	case errors.Is(err, bots.ErrTaken):
		return Problem{http.StatusConflict, "conflict", "error.taken"}
	case errors.Is(err, bots.ErrNotHolder):
		return Problem{http.StatusConflict, "conflict", "error.not_holder"}
	case errors.Is(err, ErrChanged), errors.Is(err, ErrConflict), errors.Is(err, agents.ErrUserExists), errors.Is(err, bots.ErrWrongState):
		return Problem{http.StatusConflict, "conflict", "error.conflict"}
	case errors.As(err, &kbVal), errors.Is(err, kb.ErrInvalid), errors.Is(err, tickets.ErrInvalid),
		errors.Is(err, ErrBadRequest), errors.Is(err, agents.ErrBadScope), errors.Is(err, webhooks.ErrInvalid),
		errors.Is(err, agents.ErrInvalidUser), errors.Is(err, agents.ErrWeakPassword), errors.Is(err, agents.ErrCannedInvalid),
		errors.Is(err, bots.ErrInvalidInbound), errors.Is(err, bots.ErrTooLong):
		return Problem{http.StatusBadRequest, "invalid", "error.badrequest"}
	case errors.Is(err, ErrNoHandoff):
		return Problem{http.StatusServiceUnavailable, "unavailable", "error.nohandoff"}
	case errors.Is(err, db.ErrUnavailable), errors.Is(err, ErrChatOff):
		return Problem{http.StatusServiceUnavailable, "unavailable", "error.unavailable"}
	}
	return Problem{http.StatusInternalServerError, "internal", "error.internal"}
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

// KeyIn is the problem's message key in the catalogue cat: its own key
// when cat has it, else the general one of its status.
func (p Problem) KeyIn(cat i18n.Catalog) string {
	if _, ok := cat[p.Key]; ok {
		return p.Key
	}
	if k, ok := statusKeys[p.Status]; ok {
		return k
	}
	return "error.internal"
}
