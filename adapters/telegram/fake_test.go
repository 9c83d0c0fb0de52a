// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/testwait"
)

// fakeAPI is a loopback Bot API: it reads multipart/form-data as the
// library (and our getUpdates) sends it, keeps a queue of updates served
// by getUpdates with offset and timeout, records what the bot sends, and
// answers in the Bot API's envelope — including errors it is told to give.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	updates  []json.RawMessage // not yet confirmed, ascending update_id
	arrived  chan struct{}     // a new update was queued
	calls    []call
	failures map[string][]apiFailure
	failAt   map[string]map[int]apiFailure // method → request number (from 1) → failure
	requests map[string]int
	webhook  string
	offsets  []int64       // the offset of every getUpdates
	polls    []poll        // every getUpdates answered
	waiting  chan struct{} // a getUpdates found nothing and waits (long poll)
	nextMsg  int64
	sent     chan call // every successful sendMessage, for tests that wait
}

// poll is one getUpdates: the timeout it asked for (seconds) and how it
// ended: "updates", "timeout" (nothing came while it waited) or "empty"
// (nothing, and it asked not to wait).
type poll struct {
	asked int
	ended string
}

// call is one request the bot made, with its form fields.
type call struct {
	Method string
	Fields map[string]string
}

type apiFailure struct {
	code       int
	desc       string
	retryAfter int
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, arrived: make(chan struct{}, 1), failures: map[string][]apiFailure{}, failAt: map[string]map[int]apiFailure{}, requests: map[string]int{}, waiting: make(chan struct{}, 1), nextMsg: 100, sent: make(chan call, 100)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) URL() string { return f.srv.URL }

// push queues updates for getUpdates.
func (f *fakeAPI) push(raws ...string) {
	f.mu.Lock()
	for _, r := range raws {
		f.updates = append(f.updates, json.RawMessage(r))
	}
	f.mu.Unlock()
	select {
	case f.arrived <- struct{}{}:
	default:
	}
}

// failNth makes the n-th request of method (counting from 1) fail.
func (f *fakeAPI) failNth(method string, n, code int, desc string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAt[method] == nil {
		f.failAt[method] = map[int]apiFailure{}
	}
	f.failAt[method][n] = apiFailure{code, desc, 0}
}

// fail makes the next call of method fail with code (and retry_after).
func (f *fakeAPI) fail(method string, code int, desc string, retryAfter int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[method] = append(f.failures[method], apiFailure{code, desc, retryAfter})
}

func (f *fakeAPI) setWebhookURL(u string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.webhook = u
}

// callsTo returns the recorded successful calls of method.
func (f *fakeAPI) callsTo(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeAPI) seenOffsets() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.offsets...)
}

func (f *fakeAPI) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates)
}

// nextSent waits for the next sendMessage.
func (f *fakeAPI) nextSent(t *testing.T) call {
	t.Helper()
	return testwait.Recv(t, "a sendMessage", f.sent)
}

// pollEndings says how each getUpdates ended so far.
func (f *fakeAPI) pollEndings() []poll {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]poll(nil), f.polls...)
}

// noMoreSent checks that nothing else is sent within d.
func (f *fakeAPI) noMoreSent(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case c := <-f.sent:
		t.Fatalf("unexpected sendMessage: %q", c.Fields["text"])
	case <-time.After(d):
	}
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/bot" + testToken + "/"
	if r.Method != http.MethodPost {
		f.answer(w, nil, &apiFailure{405, "Method Not Allowed", 0})
		return
	}
	if !strings.HasPrefix(r.URL.Path, prefix) {
		// What Telegram answers to a token it does not know.
		f.answer(w, nil, &apiFailure{401, "Unauthorized", 0})
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		f.answer(w, nil, &apiFailure{400, "Bad Request: expected multipart/form-data", 0})
		return
	}
	// The library sends calls without parameters (getMe) as an empty body
	// with a multipart content type; the Bot API accepts that.
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, io.EOF) {
		f.answer(w, nil, &apiFailure{400, "Bad Request: " + err.Error(), 0})
		return
	}
	fields := map[string]string{}
	if r.MultipartForm != nil {
		for k, v := range r.MultipartForm.Value {
			fields[k] = v[0]
		}
	}
	f.mu.Lock()
	f.requests[method]++
	if fl, ok := f.failAt[method][f.requests[method]]; ok {
		f.mu.Unlock()
		f.answer(w, nil, &fl)
		return
	}
	if q := f.failures[method]; len(q) > 0 {
		fl := q[0]
		f.failures[method] = q[1:]
		f.mu.Unlock()
		f.answer(w, nil, &fl)
		return
	}
	f.mu.Unlock()

	switch method {
	case "getMe":
		f.answer(w, map[string]any{"id": 123456789, "is_bot": true, "first_name": "Help desk", "username": "DeskTestBot"}, nil)
	case "getUpdates":
		f.getUpdates(w, r, fields)
	case "sendMessage":
		f.sendMessage(w, fields)
	case "editMessageReplyMarkup":
		f.editReplyMarkup(w, fields)
	case "answerCallbackQuery", "setMyCommands", "deleteWebhook":
		f.record(method, fields)
		f.answer(w, true, nil)
	case "setWebhook":
		f.record(method, fields)
		f.setWebhookURL(fields["url"])
		f.answer(w, true, nil)
	case "getWebhookInfo":
		f.mu.Lock()
		info := map[string]any{"url": f.webhook, "has_custom_certificate": false, "pending_update_count": len(f.updates)}
		f.mu.Unlock()
		f.answer(w, info, nil)
	default:
		f.answer(w, nil, &apiFailure{404, "Not Found: method not found", 0})
	}
}

func (f *fakeAPI) record(method string, fields map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{Method: method, Fields: fields})
}

func (f *fakeAPI) answer(w http.ResponseWriter, result any, fl *apiFailure) {
	w.Header().Set("Content-Type", "application/json")
	if fl != nil {
		// Telegram sets the HTTP status too; the library reads error_code.
		w.WriteHeader(fl.code)
		body := map[string]any{"ok": false, "error_code": fl.code, "description": fl.desc}
		if fl.retryAfter > 0 {
			body["parameters"] = map[string]any{"retry_after": fl.retryAfter}
		}
		json.NewEncoder(w).Encode(body)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request, fields map[string]string) {
	offset, _ := strconv.ParseInt(fields["offset"], 10, 64)
	timeout, _ := strconv.Atoi(fields["timeout"])
	limit, _ := strconv.Atoi(fields["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	f.mu.Lock()
	f.offsets = append(f.offsets, offset)
	f.mu.Unlock()
	deadline := time.After(time.Duration(timeout) * time.Second)
	asked, timedOut := timeout, false
	for {
		f.mu.Lock()
		// As Telegram does: an offset confirms every update before it.
		var keep, out []json.RawMessage
		for _, u := range f.updates {
			id := updateIDOf(u)
			if offset > 0 && id < offset {
				continue
			}
			keep = append(keep, u)
			if len(out) < limit {
				out = append(out, u)
			}
		}
		f.updates = keep
		f.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			ended := "updates"
			if out == nil {
				out = []json.RawMessage{}
				ended = "empty"
				if timedOut {
					ended = "timeout"
				}
			}
			f.mu.Lock()
			f.polls = append(f.polls, poll{asked, ended})
			f.mu.Unlock()
			f.answer(w, out, nil)
			return
		}
		select {
		case f.waiting <- struct{}{}:
		default:
		}
		select {
		case <-f.arrived:
		case <-deadline:
			timeout, timedOut = 0, true
		case <-r.Context().Done():
			return
		}
	}
}

func updateIDOf(raw json.RawMessage) int64 {
	var h struct {
		UpdateID int64 `json:"update_id"`
	}
	json.Unmarshal(raw, &h)
	return h.UpdateID
}

func (f *fakeAPI) sendMessage(w http.ResponseWriter, fields map[string]string) {
	text := fields["text"]
	if text == "" {
		f.answer(w, nil, &apiFailure{400, "Bad Request: message text is empty", 0})
		return
	}
	if fields["parse_mode"] == "HTML" {
		if err := wellFormed(text); err != nil {
			f.answer(w, nil, &apiFailure{400, "Bad Request: can't parse entities: " + err.Error(), 0})
			return
		}
		text = visible(text)
	}
	if units(text) > maxMessageUnits {
		f.answer(w, nil, &apiFailure{400, "Bad Request: message is too long", 0})
		return
	}
	if m := fields["reply_markup"]; m != "" {
		var kb struct {
			InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
		}
		if err := json.Unmarshal([]byte(m), &kb); err != nil {
			f.answer(w, nil, &apiFailure{400, "Bad Request: can't parse reply keyboard markup JSON object", 0})
			return
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if d, _ := b["callback_data"].(string); len(d) > 64 {
					f.answer(w, nil, &apiFailure{400, "Bad Request: BUTTON_DATA_INVALID", 0})
					return
				}
				if ct, ok := b["copy_text"]; ok {
					f.answer(w, nil, &apiFailure{400, fmt.Sprintf("Bad Request: BUTTON_COPY_TEXT_INVALID (%v)", ct), 0})
					return
				}
			}
		}
	}
	chatID, err := strconv.ParseInt(fields["chat_id"], 10, 64)
	if err != nil {
		f.answer(w, nil, &apiFailure{400, "Bad Request: chat not found", 0})
		return
	}
	f.mu.Lock()
	f.nextMsg++
	id := f.nextMsg
	fields["_message_id"] = strconv.FormatInt(id, 10) // not a Bot API field: what the fake answered
	f.calls = append(f.calls, call{Method: "sendMessage", Fields: fields})
	f.mu.Unlock()
	f.sent <- call{Method: "sendMessage", Fields: fields}
	f.answer(w, map[string]any{"message_id": id, "date": time.Now().Unix(),
		"chat": map[string]any{"id": chatID, "type": "private"}, "text": text}, nil)
}

// editReplyMarkup answers editMessageReplyMarkup as the Bot API does: the
// message is named by chat_id and message_id (or inline_message_id), the
// new keyboard comes as a JSON string; the answer is the edited Message.
func (f *fakeAPI) editReplyMarkup(w http.ResponseWriter, fields map[string]string) {
	chatID, err := strconv.ParseInt(fields["chat_id"], 10, 64)
	if err != nil {
		f.answer(w, nil, &apiFailure{400, "Bad Request: chat not found", 0})
		return
	}
	msgID, err := strconv.ParseInt(fields["message_id"], 10, 64)
	f.mu.Lock()
	known := err == nil && msgID > 0 && msgID <= f.nextMsg
	f.mu.Unlock()
	if !known {
		f.answer(w, nil, &apiFailure{400, "Bad Request: message to edit not found", 0})
		return
	}
	var kb struct {
		InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
	}
	if m := fields["reply_markup"]; m != "" {
		if err := json.Unmarshal([]byte(m), &kb); err != nil {
			f.answer(w, nil, &apiFailure{400, "Bad Request: can't parse reply keyboard markup JSON object", 0})
			return
		}
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if _, ok := b["copy_text"]; ok {
				f.answer(w, nil, &apiFailure{400, "Bad Request: BUTTON_COPY_TEXT_INVALID", 0})
				return
			}
			if t, _ := b["text"].(string); t == "" {
				f.answer(w, nil, &apiFailure{400, "Bad Request: text buttons are unallowed in the inline keyboard", 0})
				return
			}
		}
	}
	f.record("editMessageReplyMarkup", fields)
	f.answer(w, map[string]any{"message_id": msgID, "date": time.Now().Unix(),
		"chat": map[string]any{"id": chatID, "type": "private"}, "reply_markup": kb}, nil)
}

// runAdapter starts Run and stops it when the test ends.
func runAdapter(t *testing.T, a *Adapter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-testwait.Expired(t):
			t.Error("Run did not return after cancel")
		}
	})
}

// Update builders, shaped like the Bot API's documentation.

func textUpdate(updateID, msgID, userID int64, lang, text string) string {
	b, _ := json.Marshal(map[string]any{
		"update_id": updateID,
		"message": map[string]any{
			"message_id": msgID, "date": 1764147600, "text": text,
			"from": map[string]any{"id": userID, "is_bot": false, "first_name": "Giulia", "last_name": "Rossi", "language_code": lang},
			"chat": map[string]any{"id": userID, "type": "private", "first_name": "Giulia"},
		},
	})
	return string(b)
}

// callbackOn is a press on the bot message msgID, whose keyboard (the
// reply_markup it was sent with) the update shows, as Telegram does.
func callbackOn(updateID int64, queryID string, userID, msgID int64, data, replyMarkup string) string {
	var markup any
	json.Unmarshal([]byte(replyMarkup), &markup)
	b, _ := json.Marshal(map[string]any{
		"update_id": updateID,
		"callback_query": map[string]any{
			"id": queryID, "chat_instance": "-4242", "data": data,
			"from": map[string]any{"id": userID, "is_bot": false, "first_name": "Giulia", "language_code": "it"},
			"message": map[string]any{"message_id": msgID, "date": 1764147601, "text": "…", "reply_markup": markup,
				"chat": map[string]any{"id": userID, "type": "private"},
				"from": map[string]any{"id": 123456789, "is_bot": true, "first_name": "Help desk"}},
		},
	})
	return string(b)
}

func callbackUpdate(updateID int64, queryID string, userID int64, data string) string {
	b, _ := json.Marshal(map[string]any{
		"update_id": updateID,
		"callback_query": map[string]any{
			"id": queryID, "chat_instance": "-4242", "data": data,
			"from": map[string]any{"id": userID, "is_bot": false, "first_name": "Giulia", "language_code": "it"},
			"message": map[string]any{"message_id": 101, "date": 1764147601, "text": "…",
				"chat": map[string]any{"id": userID, "type": "private"},
				"from": map[string]any{"id": 123456789, "is_bot": true, "first_name": "Help desk"}},
		},
	})
	return string(b)
}
