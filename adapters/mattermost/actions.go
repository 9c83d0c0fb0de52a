// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// maxActionBody bounds a callback body; real ones are a few hundred bytes.
const maxActionBody = 1 << 20

// Routes registers the interactive-button callback. The Mattermost server
// POSTs a PostActionIntegrationRequest there when a user presses a button.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+ActionPath, a.serveAction)
}

// pressed is a button press read from a callback.
type pressed struct {
	userID, userName, postID string
	action, label, key       string
	secret                   string
}

// decodeAction reads a callback body.
func decodeAction(body []byte) (pressed, error) {
	var req model.PostActionIntegrationRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return pressed{}, fmt.Errorf("%w: %v", errMalformed, err)
	}
	str := func(k string) string { s, _ := req.Context[k].(string); return s }
	p := pressed{userID: req.UserId, userName: req.UserName, postID: req.PostId,
		action: str(ctxAction), label: str(ctxLabel), key: str(ctxKey), secret: str(ctxSecret)}
	switch {
	case !model.IsValidId(p.userID):
		return p, fmt.Errorf("%w: user_id %q", errMalformed, p.userID)
	case !model.IsValidId(p.postID):
		return p, fmt.Errorf("%w: post_id %q", errMalformed, p.postID)
	}
	return p, nil
}

func (a *Adapter) serveAction(w http.ResponseWriter, r *http.Request) {
	if a.cfg.CallbackURL == "" {
		http.NotFound(w, r) // buttons are not in use: nothing should call here
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	p, err := decodeAction(body)
	// The secret is checked before anything else is trusted, and in
	// constant time, so that its bytes cannot be guessed from timings.
	if p.secret == "" || subtle.ConstantTimeCompare([]byte(p.secret), []byte(a.cfg.ActionSecret)) != 1 {
		a.log.Warn("mattermost action with a wrong secret", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if err != nil {
		a.log.Warn("mattermost action dropped", "err", err)
		http.Error(w, "malformed action", http.StatusBadRequest)
		return
	}
	if p.action != "" && a.divertPress(context.WithoutCancel(r.Context()), p) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
		return
	}
	if _, _, _, kerr := parseKey(p.key); kerr != nil || p.action == "" {
		a.log.Warn("mattermost action dropped", "err", kerr, "action", p.action)
		http.Error(w, "malformed action", http.StatusBadRequest)
		return
	}
	in := bots.Inbound{
		Channel: Channel,
		// One press of one button by one user is one event: a double
		// click is recognised as a repeat by the engine.
		ExternalID:      "act:" + p.postID + ":" + p.userID + ":" + p.action,
		ConversationKey: p.key,
		User:            a.profile(r.Context(), p.userID, p.userName),
		Action:          p.action,
		At:              a.now(),
	}
	res, err := a.h.Handle(r.Context(), in)
	var resp model.PostActionIntegrationResponse
	switch {
	case err == nil && res.Stale:
		// A button of an older prompt: the engine said the choice is no
		// longer valid; the post is not marked with a choice not made.
	case err == nil:
		resp.Update = a.answered(r, p)
	case errors.Is(err, db.ErrUnavailable):
		// Mattermost does not repeat a callback: tell the user to press
		// again instead of failing silently.
		a.log.Warn("database unavailable during a button press", "post_id", p.postID)
		resp.EphemeralText = mattermostText.T("it", "action.unavailable") + "\n" + mattermostText.T("en", "action.unavailable")
	default:
		a.log.Error("mattermost action not handled", "post_id", p.postID, "action", p.action, "err", err)
		resp.EphemeralText = mattermostText.T("it", "error.internal") + "\n" + mattermostText.T("en", "error.internal")
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(resp); err != nil {
		a.log.Warn("mattermost action answer not written", "err", err)
	}
}

// answered returns the pressed post with its buttons replaced by the
// choice made, so that a question is answered once; nil (no change) when
// the post cannot be read. The server replaces message and properties
// with the update, so the update starts from the stored post.
func (a *Adapter) answered(r *http.Request, p pressed) *model.Post {
	post, resp, err := a.client.GetPost(r.Context(), p.postID, "")
	if err != nil {
		a.log.Warn("mattermost: pressed post not read; its buttons stay", "post_id", p.postID, "err", explain(resp, err, "get the post"))
		return nil
	}
	update := &model.Post{Id: post.Id, Message: post.Message}
	for k, v := range post.GetProps() {
		update.AddProp(k, v)
	}
	update.AddProp(model.PostPropsAttachments, []*model.MessageAttachment{{Fallback: p.label, Text: "✓ " + escapeLabel(p.label)}})
	return update
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxActionBody))
}
