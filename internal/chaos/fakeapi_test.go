// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fault modes of the fake Bot API's sendMessage.
const (
	modeOK       int32 = iota
	modeTooMany        // 429 with retry_after 1
	modeInternal       // 500
	modeDrop           // the connection is closed without an answer
)

// botAPI is a fake Telegram Bot API: it answers like the real one
// (multipart POSTs to /bot<token>/<method>, {"ok":…} bodies) and records
// every sendMessage per chat, in arrival order.
type botAPI struct {
	srv   *httptest.Server
	mode  atomic.Int32
	mu    sync.Mutex
	chats map[int64][]string
	fails atomic.Int64 // faults answered
	next  atomic.Int64
	// polling: getUpdates calls in flight now, and the most ever at once.
	polling, maxPolling atomic.Int64
	polls               atomic.Int64
}

func newBotAPI(t *testing.T) *botAPI {
	b := &botAPI{chats: map[int64][]string{}}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *botAPI) serve(w http.ResponseWriter, r *http.Request) {
	_, method, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		r.ParseForm()
	}
	w.Header().Set("Content-Type", "application/json")
	if method == "getUpdates" {
		b.polls.Add(1)
		n := b.polling.Add(1)
		defer b.polling.Add(-1)
		for cur := b.maxPolling.Load(); n > cur && !b.maxPolling.CompareAndSwap(cur, n); cur = b.maxPolling.Load() {
		}
		// A long poll with nothing new: answer after a second, or when the
		// poller goes away (its process killed).
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `{"ok":true,"result":[]}`)
		return
	}
	if method != "sendMessage" {
		fmt.Fprint(w, `{"ok":true,"result":true}`)
		return
	}
	switch b.mode.Load() {
	case modeTooMany:
		b.fails.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
		return
	case modeInternal:
		b.fails.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
		return
	case modeDrop:
		b.fails.Add(1)
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	// A request cut off by the kill of its sender does not parse: Telegram
	// refuses it, and so does the fake, counting nothing.
	if err := r.ParseMultipartForm(1 << 20); err != nil && r.FormValue("chat_id") == "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"Bad Request: chat_id is empty"}`)
		return
	}
	chat, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`)
		return
	}
	text := r.FormValue("text")
	b.mu.Lock()
	b.chats[chat] = append(b.chats[chat], text)
	b.mu.Unlock()
	res, _ := json.Marshal(map[string]any{"ok": true, "result": map[string]any{
		"message_id": b.next.Add(1), "date": time.Now().Unix(),
		"chat": map[string]any{"id": chat, "type": "private"}, "text": text,
	}})
	w.Write(res)
}

// received returns a copy of what each chat received.
func (b *botAPI) received() map[int64][]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[int64][]string, len(b.chats))
	for c, l := range b.chats {
		out[c] = append([]string(nil), l...)
	}
	return out
}
