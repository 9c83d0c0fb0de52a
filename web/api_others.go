// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"helpdesk/agents"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
)

func apiBadRequestf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadRequest, fmt.Sprintf(format, args...))
}

// apiConversation is a conversation with its messages.
type apiConversation struct {
	ID            int64        `json:"id"`
	Channel       string       `json:"channel"`
	RequesterID   *int64       `json:"requester_id"`
	Lang          string       `json:"lang"`
	State         string       `json:"state"`
	Level         int          `json:"level"`
	AgentID       *int64       `json:"agent_id"`
	TicketID      *int64       `json:"ticket_id"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	LastMessageAt time.Time    `json:"last_message_at"`
	Messages      []apiMessage `json:"messages"`
}

// apiMessage is one message of a conversation.
type apiMessage struct {
	ID        int64      `json:"id"`
	Direction string     `json:"direction"`
	Author    string     `json:"author"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// apiEntries wraps a list of KB entries.
type apiEntries struct {
	Entries []kb.Entry `json:"entries"`
}

// apiKBStatus is the body of POST …/status.
type apiKBStatus struct {
	Status kb.Status `json:"status"`
}

// apiUser is a console user as the API shows it (no password hash).
type apiUser struct {
	ID          int64       `json:"id"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Email       string      `json:"email"`
	Lang        string      `json:"lang"`
	Role        agents.Role `json:"role"`
	Active      bool        `json:"active"`
}

// apiUsers wraps the user list.
type apiUsers struct {
	Users []apiUser `json:"users"`
}

// apiWebhookCreate is the body of POST /api/v1/webhooks.
type apiWebhookCreate struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret"`
	Kinds  []string `json:"kinds"`
}

// apiWebhooks wraps the subscriptions.
type apiWebhooks struct {
	Webhooks []webhooks.Subscription `json:"webhooks"`
}

// apiDeliveries wraps a subscription's delivery log.
type apiDeliveries struct {
	Deliveries []webhooks.Delivery `json:"deliveries"`
}

func apiPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%w: %q", errNotFound, r.PathValue("id"))
	}
	return id, nil
}

func (a *api) conversationGet(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
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
	out := apiConversation{ID: c.ID, Channel: c.Channel, RequesterID: c.RequesterID, Lang: c.Lang, State: string(c.State),
		Level: c.Level, AgentID: c.AgentID, TicketID: c.TicketID, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		LastMessageAt: c.LastMessageAt, Messages: make([]apiMessage, 0, len(ms))}
	for _, m := range ms {
		out.Messages = append(out.Messages, apiMessage{ID: m.ID, Direction: m.Direction, Author: m.Author, Body: m.Body,
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

// kbList lists published entries, filtered by lang and audience; internal
// ones only for tokens that may see them.
func (a *api) kbList(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
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
			a.fail(w, fmt.Errorf("%w: internal entries need the %s scope", errForbidden, agents.ScopeKBInternal))
			return
		}
		aud = kb.AudiencePublic
	}
	es, err := a.kb.List(r.Context(), kb.Filter{Status: kb.StatusPublished, Lang: lang, Audience: aud})
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, apiEntries{Entries: es})
}

// kbGet returns a published entry; editors' tokens (kb:write) see
// drafts too.
func (a *api) kbGet(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
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

func (a *api) kbCreate(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
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
		a.fail(w, fmt.Errorf("%w: entry %s exists: use PUT", errConflict, e.ID))
		return
	}
	out, _, err := a.kb.Save(r.Context(), e, apiActor(tok), "API")
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusCreated, out)
}

func (a *api) kbUpdate(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
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

func (a *api) kbStatus(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var in apiKBStatus
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

func (a *api) userList(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	us, err := a.users.List(r.Context())
	if err != nil {
		a.fail(w, err)
		return
	}
	out := apiUsers{Users: make([]apiUser, 0, len(us))}
	for _, u := range us {
		out.Users = append(out.Users, apiUser{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email,
			Lang: u.Lang, Role: u.Role, Active: u.Active})
	}
	apiJSON(w, http.StatusOK, out)
}

func (a *api) hooksOrFail(w http.ResponseWriter) bool {
	if a.hooks == nil {
		a.fail(w, fmt.Errorf("%w: webhooks are not enabled", errNotFound))
		return false
	}
	return true
}

func (a *api) webhookList(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	if !a.hooksOrFail(w) {
		return
	}
	subs, err := a.hooks.Subscriptions(r.Context())
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, apiWebhooks{Webhooks: subs})
}

func (a *api) webhookCreate(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	if !a.hooksOrFail(w) {
		return
	}
	var in apiWebhookCreate
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

func (a *api) webhookDelete(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
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

func (a *api) webhookDeliveries(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
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
	apiJSON(w, http.StatusOK, apiDeliveries{Deliveries: ds})
}
