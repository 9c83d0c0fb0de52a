// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"fmt"
	"helpdesk/web/problem"
	"net/http"
	"strconv"
	"time"

	"helpdesk/agents"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
)

func apiBadRequestf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", problem.ErrBadRequest, fmt.Sprintf(format, args...))
}

// Conversation is a conversation with its messages.
type Conversation struct {
	ID            int64     `json:"id"`
	Channel       string    `json:"channel"`
	RequesterID   *int64    `json:"requester_id"`
	Lang          string    `json:"lang"`
	State         string    `json:"state"`
	Level         int       `json:"level"`
	AgentID       *int64    `json:"agent_id"`
	TicketID      *int64    `json:"ticket_id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	LastMessageAt time.Time `json:"last_message_at"`
	Messages      []Message `json:"messages"`
}

// Message is one message of a conversation.
type Message struct {
	ID        int64      `json:"id"`
	Direction string     `json:"direction"`
	Author    string     `json:"author"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// Entries wraps a list of KB entries.
type Entries struct {
	Entries []kb.Entry `json:"entries"`
}

// KBStatus is the body of POST …/status.
type KBStatus struct {
	Status kb.Status `json:"status"`
}

// User is a console user as the API shows it (no password hash).
type User struct {
	ID          int64       `json:"id"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Email       string      `json:"email"`
	Lang        string      `json:"lang"`
	Role        agents.Role `json:"role"`
	Active      bool        `json:"active"`
}

// Users wraps the user list.
type Users struct {
	Users []User `json:"users"`
}

// WebhookCreate is the body of POST /api/v1/webhooks.
type WebhookCreate struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret"`
	Kinds  []string `json:"kinds"`
}

// Webhooks wraps the subscriptions.
type Webhooks struct {
	Webhooks []webhooks.Subscription `json:"webhooks"`
}

// Deliveries wraps a subscription's delivery log.
type Deliveries struct {
	Deliveries []webhooks.Delivery `json:"deliveries"`
}

func apiPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%w: %q", problem.ErrNotFound, r.PathValue("id"))
	}
	return id, nil
}

// ConversationGet serves GET /api/v1/conversations/{id}.
func (a *API) ConversationGet(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	id, err := apiPathID(r)
	if err != nil {
		a.fail(w, err)
		return
	}
	c, err := a.convs.Get(r.Context(), a.pool, id)
	if err != nil {
		a.fail(w, err)
		return
	}
	ms, err := a.convs.Messages(r.Context(), a.pool, id)
	if err != nil {
		a.fail(w, err)
		return
	}
	out := Conversation{ID: c.ID, Channel: c.Channel, RequesterID: c.RequesterID, Lang: c.Lang, State: string(c.State),
		Level: c.Level, AgentID: c.AgentID, TicketID: c.TicketID, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		LastMessageAt: c.LastMessageAt, Messages: make([]Message, 0, len(ms))}
	for _, m := range ms {
		out.Messages = append(out.Messages, Message{ID: m.ID, Direction: m.Direction, Author: m.Author, Body: m.Body,
			CreatedAt: m.CreatedAt, SentAt: m.SentAt})
	}
	apiJSON(w, http.StatusOK, out)
}

// seesInternal says whether a token may read internal entries: kb:read
// alone reads what the public help centre shows; kb:internal (or an
// editor's kb:write) adds the desk's internal entries.
func seesInternal(tok agents.APIToken) bool {
	return tok.Has(agents.ScopeKBInternal) || tok.Has(agents.ScopeKBWrite)
}

// KBList lists published entries, filtered by lang and audience; internal
// ones only for tokens that may see them.
func (a *API) KBList(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	q := r.URL.Query()
	lang, ok := apiQuery(q, "lang")
	if ok && lang != kb.LangIT && lang != kb.LangEN {
		a.fail(w, apiBadRequestf("lang must be %s or %s", kb.LangIT, kb.LangEN))
		return
	}
	a1, ok := apiQuery(q, "audience")
	aud := kb.Audience(a1)
	if ok && aud != kb.AudiencePublic && aud != kb.AudienceInternal {
		a.fail(w, apiBadRequestf("audience must be %s or %s", kb.AudiencePublic, kb.AudienceInternal))
		return
	}
	if !seesInternal(tok) {
		if aud == kb.AudienceInternal {
			a.fail(w, fmt.Errorf("%w: internal entries need the %s scope", problem.ErrForbidden, agents.ScopeKBInternal))
			return
		}
		aud = kb.AudiencePublic
	}
	es, err := a.kb.List(r.Context(), kb.Filter{Status: kb.StatusPublished, Lang: lang, Audience: aud})
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, Entries{Entries: es})
}

// KBGet returns a published entry; editors' tokens (kb:write) see
// drafts too.
func (a *API) KBGet(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	e, err := a.kb.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, err)
		return
	}
	if (e.Status != kb.StatusPublished && !tok.Has(agents.ScopeKBWrite)) || (e.Audience == kb.AudienceInternal && !seesInternal(tok)) {
		a.fail(w, fmt.Errorf("%s: %w", e.ID, kb.ErrNotFound))
		return
	}
	apiJSON(w, http.StatusOK, e)
}

// KBCreate serves POST /api/v1/kb/entries.
func (a *API) KBCreate(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var e kb.Entry
	if err := apiDecode(r, &e); err != nil {
		a.fail(w, err)
		return
	}
	// An invalid entry is a 400 whether or not its id is taken.
	e.Normalise()
	if err := e.Validate(); err != nil {
		a.fail(w, err)
		return
	}
	if _, err := a.kb.Get(r.Context(), e.ID); err == nil {
		a.fail(w, fmt.Errorf("%w: entry %s exists: use PUT", problem.ErrConflict, e.ID))
		return
	}
	out, _, err := a.kb.Save(r.Context(), e, apiActor(tok), "API")
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusCreated, out)
}

// KBUpdate serves PUT /api/v1/kb/entries/{id}.
func (a *API) KBUpdate(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var e kb.Entry
	if err := apiDecode(r, &e); err != nil {
		a.fail(w, err)
		return
	}
	id := r.PathValue("id")
	if _, err := a.kb.Get(r.Context(), id); err != nil {
		a.fail(w, err)
		return
	}
	if e.ID != "" && e.ID != id {
		a.fail(w, apiBadRequestf("the body's id differs from the path's"))
		return
	}
	e.ID = id
	out, _, err := a.kb.Save(r.Context(), e, apiActor(tok), "API")
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, out)
}

// KBSetStatus serves POST /api/v1/kb/entries/{id}/status.
func (a *API) KBSetStatus(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var in KBStatus
	if err := apiDecode(r, &in); err != nil {
		a.fail(w, err)
		return
	}
	switch in.Status {
	case kb.StatusDraft, kb.StatusInReview, kb.StatusPublished, kb.StatusArchived:
	default:
		a.fail(w, apiBadRequestf("unknown status %q", in.Status))
		return
	}
	out, err := a.kb.Transition(r.Context(), r.PathValue("id"), in.Status, apiActor(tok))
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, out)
}

// UserList serves GET /api/v1/users.
func (a *API) UserList(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	us, err := a.users.List(r.Context())
	if err != nil {
		a.fail(w, err)
		return
	}
	out := Users{Users: make([]User, 0, len(us))}
	for _, u := range us {
		out.Users = append(out.Users, User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email,
			Lang: u.Lang, Role: u.Role, Active: u.Active})
	}
	apiJSON(w, http.StatusOK, out)
}

func (a *API) hooksOrFail(w http.ResponseWriter) bool {
	if a.hooks == nil {
		a.fail(w, fmt.Errorf("%w: webhooks are not enabled", problem.ErrNotFound))
		return false
	}
	return true
}

// WebhookList serves GET /api/v1/webhooks.
func (a *API) WebhookList(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	if !a.hooksOrFail(w) {
		return
	}
	subs, err := a.hooks.Subscriptions(r.Context())
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, Webhooks{Webhooks: subs})
}

// WebhookCreate serves POST /api/v1/webhooks.
func (a *API) WebhookCreate(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	if !a.hooksOrFail(w) {
		return
	}
	var in WebhookCreate
	if err := apiDecode(r, &in); err != nil {
		a.fail(w, err)
		return
	}
	sub, err := a.hooks.Subscribe(r.Context(), in.URL, in.Secret, in.Kinds)
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusCreated, sub)
}

// WebhookDelete serves DELETE /api/v1/webhooks/{id}.
func (a *API) WebhookDelete(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	if !a.hooksOrFail(w) {
		return
	}
	id, err := apiPathID(r)
	if err == nil {
		err = a.hooks.Unsubscribe(r.Context(), id)
	}
	if err != nil {
		a.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// WebhookDeliveries serves GET /api/v1/webhooks/{id}/deliveries.
func (a *API) WebhookDeliveries(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	if !a.hooksOrFail(w) {
		return
	}
	id, err := apiPathID(r)
	if err != nil {
		a.fail(w, err)
		return
	}
	ds, err := a.hooks.Deliveries(r.Context(), id, 100)
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, Deliveries{Deliveries: ds})
}
