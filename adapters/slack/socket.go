// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack/socketmode"

	"helpdesk/internal/pause"
)

// Reconnection backoff of the Socket Mode loop, on top of the library's
// own retries of apps.connections.open.
const (
	minReconnect = time.Second
	maxReconnect = 2 * time.Minute
)

// runSocket keeps a Socket Mode connection open until ctx ends. The
// library reconnects by itself when Slack asks it to or a ping is
// missed; when it gives up (a refused token, a failed dial) this loop
// starts it again after a growing pause.
func (a *Adapter) runSocket(ctx context.Context) error {
	opts := []socketmode.Option{socketmode.OptionLog(slogWriter{a.log})}
	if a.pingInterval > 0 {
		opts = append(opts, socketmode.OptionPingInterval(a.pingInterval))
	}
	smc := socketmode.New(a.api, opts...)

	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		a.socketEvents(ctx, smc)
	}()
	defer func() { <-loopDone }()

	wait := minReconnect
	for {
		start := a.now()
		err := smc.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if a.now().Sub(start) > time.Minute {
			wait = minReconnect // it had been up a while: not a tight failure loop
		}
		a.log.Error("slack: socket mode stopped; reconnecting", "err", err, "in", wait)
		if pause.For(ctx, wait) != nil {
			return nil
		}
		wait = min(2*wait, maxReconnect)
	}
}

// socketEvents reads the library's events: every envelope is
// acknowledged first (Slack redelivers what is not acknowledged within
// 3 s), then decoded with the same decoders as the HTTP path.
func (a *Adapter) socketEvents(ctx context.Context, smc *socketmode.Client) {
	for {
		var evt socketmode.Event
		select {
		case <-ctx.Done():
			return
		case evt = <-smc.Events:
		}
		switch evt.Type {
		case socketmode.EventTypeConnecting:
			a.log.Debug("slack: socket mode connecting")
		case socketmode.EventTypeConnected:
			a.log.Info("slack: socket mode connected")
		case socketmode.EventTypeHello, socketmode.EventTypeDisconnect:
			a.log.Debug("slack: socket mode", "event", evt.Type)
		case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
			a.log.Warn("slack: socket mode", "event", evt.Type, "detail", fmt.Sprintf("%+v", evt.Data))
		case socketmode.EventTypeInvalidAuth:
			a.log.Error("slack: socket mode refused the app-level token; check it with `helpdesk channels check`")
		case socketmode.EventTypeErrorBadMessage:
			// The library could not parse the envelope; still acknowledge it
			// if it has an id, so Slack does not send it again.
			var raw []byte
			if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
				raw = bad.Message
				a.log.Warn("slack: malformed socket mode message dropped", "err", bad.Cause)
			}
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(raw, &env) == nil && env.EnvelopeID != "" {
				a.ack(ctx, smc, env.EnvelopeID)
			}
		case socketmode.EventTypeEventsAPI:
			if evt.Request == nil {
				continue
			}
			a.ack(ctx, smc, evt.Request.EnvelopeID)
			a.socketEvent(ctx, evt.Request.Payload, evt.Request.RetryAttempt)
		case socketmode.EventTypeInteractive:
			if evt.Request == nil {
				continue
			}
			a.ack(ctx, smc, evt.Request.EnvelopeID)
			presses, err := decodeInteraction(evt.Request.Payload)
			if err != nil {
				a.log.Warn("slack: malformed interaction dropped", "err", err)
			}
			for _, p := range presses {
				a.press(ctx, p)
			}
		case socketmode.EventTypeSlashCommand:
			if evt.Request != nil {
				a.ack(ctx, smc, evt.Request.EnvelopeID)
			}
			a.log.Info("slack: slash command ignored (the app defines none)")
		default:
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				a.ack(ctx, smc, evt.Request.EnvelopeID)
			}
		}
	}
}

func (a *Adapter) socketEvent(ctx context.Context, payload []byte, retry int) {
	env, err := decodeEnvelope(payload)
	if err != nil {
		a.log.Warn("slack: malformed event dropped", "err", err)
		return
	}
	if env.Kind == kindRateLimited {
		a.log.Error("slack: Slack reports our app is rate limited and events are being dropped")
	}
	if env.Kind != kindMessage {
		return
	}
	if retry > 0 {
		a.log.Info("slack: event redelivered", "event_id", env.EventID, "retry", retry)
	}
	in, skip := a.fromMessage(ctx, env.Message)
	if skip != "" {
		a.log.Debug("slack: event not for the bot", "event_id", env.EventID, "why", skip)
		return
	}
	a.submit(in, false)
}

func (a *Adapter) ack(ctx context.Context, smc *socketmode.Client, envelopeID string) {
	if err := smc.AckCtx(ctx, envelopeID, nil); err != nil {
		a.log.Error("slack: could not acknowledge an envelope", "envelope_id", envelopeID, "err", err)
	}
}

// slogWriter lets the library's logger write to slog, at debug level:
// what matters is reported through events.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Output(_ int, s string) error {
	w.log.Debug("slack-go: " + s)
	return nil
}
