// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	slackgo "github.com/slack-go/slack"
)

// maxBody is the largest request body accepted from Slack.
const maxBody = 1 << 20

// HTTP paths of the Events API Request URL and the interactivity Request
// URL (set both in the app's settings, see docs/channels/slack.md).
const (
	EventsPath       = "/slack/events"
	InteractionsPath = "/slack/interactions"
)

// Routes registers the Events API and interactivity endpoints. They are
// served in http mode only: in socket mode Slack sends nothing over
// HTTP, and an open endpoint would be one more thing to attack.
func (a *Adapter) Routes(mux *http.ServeMux) {
	if a.cfg.Mode != ModeHTTP {
		return
	}
	mux.HandleFunc("POST "+EventsPath, a.serveEvents)
	mux.HandleFunc("POST "+InteractionsPath, a.serveInteractions)
}

// verified reads the body and checks Slack's v0 signature and the
// five-minute timestamp window. On failure it has already answered.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read request", http.StatusBadRequest)
		}
		return nil, false
	}
	sv, err := slackgo.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		a.log.Warn("slack: request refused", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// serveEvents answers the Events API. Messages go to their
// conversation's lane; the request waits up to httpWait for the engine so
// that an unavailable database becomes a 503 and Slack redelivers (as
// X-Slack-Retry-Num 1, 2, 3). A redelivery of a message already handled
// carries the same channel and ts, hence the same external id, and the
// engine answers it as a duplicate: one reply.
func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	env, err := decodeEnvelope(body)
	if err != nil {
		a.log.Warn("slack: malformed event dropped", "err", err)
		w.WriteHeader(http.StatusOK) // a redelivery would be just as malformed
		return
	}
	switch env.Kind {
	case kindURLVerification:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": env.Challenge})
		return
	case kindRateLimited:
		a.log.Error("slack: Slack reports our app is rate limited and events are being dropped")
		w.WriteHeader(http.StatusOK)
		return
	case kindIgnored:
		w.WriteHeader(http.StatusOK)
		return
	}
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		a.log.Info("slack: event redelivered", "event_id", env.EventID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	in, skip := a.fromMessage(r.Context(), env.Message)
	if skip != "" {
		a.log.Debug("slack: event not for the bot", "event_id", env.EventID, "why", skip)
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := a.submit(in, true).await(a.httpWait); err != nil {
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// serveInteractions answers button presses at once (Slack allows 3
// seconds) and hands them to the lanes; Slack does not redeliver
// interactions, so an unavailable database is retried by the lane.
func (a *Adapter) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	presses, err := decodeInteractionForm(body)
	if err != nil {
		a.log.Warn("slack: malformed interaction dropped", "err", err)
	}
	for _, p := range presses {
		a.press(r.Context(), p)
	}
	w.WriteHeader(http.StatusOK)
}
