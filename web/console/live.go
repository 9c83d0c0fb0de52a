// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// LiveChannel is the PostgreSQL NOTIFY channel the engine signals on
// whenever a conversation changes; the payload is the conversation id.
// LISTEN/NOTIFY reaches every instance, so a message handled by one
// process shows in consoles served by another.
const LiveChannel = bots.NotifyChannel

// liveHub fans notifications out to the open event streams. When the
// listener is down it sends "refresh" every pollEvery instead, so pages
// keep updating (by polling) until it reconnects.
type liveHub struct {
	log       *slog.Logger
	mu        sync.Mutex
	subs      map[chan string]struct{}
	up        atomic.Bool
	cancel    context.CancelFunc
	done      chan struct{}
	pollEvery time.Duration
	listening chan struct{} // closed once the first LISTEN is in place
}

func newLiveHub(databaseURL string, pollEvery time.Duration, log *slog.Logger) *liveHub {
	h := &liveHub{log: log, subs: map[chan string]struct{}{}, done: make(chan struct{}), pollEvery: pollEvery,
		listening: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go h.run(ctx, databaseURL)
	return h
}

func (h *liveHub) run(ctx context.Context, databaseURL string) {
	defer close(h.done)
	var notify <-chan *pq.Notification
	if databaseURL != "" {
		l := pq.NewDialListener(db.Dialer(), databaseURL, time.Second, 30*time.Second, func(ev pq.ListenerEventType, err error) {
			switch ev {
			case pq.ListenerEventConnected, pq.ListenerEventReconnected:
				h.up.Store(true)
			case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
				if h.up.Swap(false) {
					h.log.Warn("live updates: listener down, consoles fall back to polling", "err", err)
				}
			}
		})
		defer l.Close()
		if err := l.Listen(LiveChannel); err != nil {
			h.log.Warn("live updates: listen", "err", err)
		} else {
			h.up.Store(true)
			close(h.listening) // pq's Listen returns once the server has acknowledged it
		}
		notify = l.Notify
	}
	tick := time.NewTicker(h.pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-notify:
			if n == nil { // reconnected: notifications may have been missed
				h.publish("refresh")
				continue
			}
			h.publish(n.Extra)
		case <-tick.C:
			if !h.up.Load() {
				h.publish("refresh")
			}
		}
	}
}

// publish sends msg to every stream; a stream too slow to take it misses
// this one (the next refresh brings it up to date).
func (h *liveHub) publish(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- msg:
		default:
		}
	}
}

func (h *liveHub) subscribe() (chan string, func()) {
	ch := make(chan string, 16)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// Close stops the listener.
func (h *liveHub) Close() {
	h.cancel()
	<-h.done
}

// inboxEvents streams server-sent events: "data: <conversation id>" when
// one changed, "data: refresh" when everything should be reloaded. The
// page's script fetches the changed fragments.
func (c *Console) InboxEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, stop := c.live.subscribe()
	defer stop()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 3000\n: connected\n\n")
	fl.Flush()
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	recheck := time.NewTicker(c.sessionRecheck)
	defer recheck.Stop()
	token := ""
	if ck, err := r.Cookie(sessionCookie); err == nil {
		token = ck.Value
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case msg := <-ch:
			fmt.Fprintf(w, "data: %s\n\n", msg)
			fl.Flush()
		case <-ping.C:
			fmt.Fprintf(w, ": ping\n\n") // keeps proxies from closing an idle stream
			fl.Flush()
		case <-recheck.C:
			// An open inbox is an agent at work: the stream keeps the
			// session alive (up to its absolute expiry), and it ends when
			// the session does (logout elsewhere, user disabled, expiry),
			// telling the page to go to the login form.
			sess, err := c.sessions.Lookup(r.Context(), token)
			if err == nil && sess == nil {
				fmt.Fprintf(w, "event: logout\ndata: expired\n\n")
				fl.Flush()
				return
			}
		}
	}
}
