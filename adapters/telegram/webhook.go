// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
)

// maxWebhookBody bounds a webhook request; an update is a few kilobytes.
const maxWebhookBody = 1 << 20

// secretHeader carries the secret_token given to setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Routes registers the webhook endpoint (POST Config.WebhookPath) in
// webhook mode; in polling mode it registers nothing, so no unguarded
// door is left open.
func (a *Adapter) Routes(mux *http.ServeMux) {
	if a.cfg.Mode != ModeWebhook {
		return
	}
	mux.Handle("POST "+a.cfg.WebhookPath, http.HandlerFunc(a.serveWebhook))
}

// serveWebhook checks the secret itself (the library's handler answers 200
// and drops the update on a wrong one), then handles the update before
// answering: 200 when it is handled or dropped for good, 503 when the
// database is unavailable, so Telegram delivers it again.
func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get(secretHeader)
	if subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.WebhookSecret)) != 1 {
		a.log.Warn("telegram webhook: wrong or missing secret token", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.log.Warn("telegram webhook: body too large; dropped", "limit", tooBig.Limit)
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	u, err := decodeUpdate(raw)
	if err != nil {
		// Answered 200: Telegram would otherwise send the same bytes again.
		a.log.Warn("telegram webhook: malformed update dropped", "err", err, "bytes", len(raw))
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := a.process(r.Context(), u.UpdateID, u.event(a.botID)); err != nil {
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
