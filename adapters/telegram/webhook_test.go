// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

const testSecret = "s3cret_Token-for-tests"

func webhookAdapter(t *testing.T, api *fakeAPI, h Handler) (*Adapter, *http.ServeMux) {
	t.Helper()
	a := newTestAdapter(t, Config{Mode: ModeWebhook, WebhookSecret: testSecret, APIURL: api.URL()}, h)
	mux := http.NewServeMux()
	a.Routes(mux)
	return a, mux
}

func postUpdate(mux http.Handler, secret, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/telegram/webhook", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(secretHeader, secret)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

func TestWebhook(t *testing.T) {
	api := newFakeAPI(t)
	var outage bool
	h := &recordingHandler{in: make(chan bots.Inbound, 10), err: func(bots.Inbound) error {
		if outage {
			return fmt.Errorf("%w: the database system is shutting down", db.ErrUnavailable)
		}
		return nil
	}}
	_, mux := webhookAdapter(t, api, h)
	good := textUpdate(50, 1, 701, "it", "la posta non arriva")
	tests := []struct {
		name     string
		secret   string
		body     string
		outage   bool
		want     int
		inbound  bool
		notified bool // the adapter answered the user itself
	}{
		{name: "wrong secret", secret: "s3cret_Token-for-test", body: good, want: 401},
		{name: "missing secret", body: good, want: 401},
		{name: "right secret", secret: testSecret, body: good, want: 200, inbound: true},
		{name: "database down: Telegram must redeliver", secret: testSecret, body: good, outage: true, want: 503},
		{name: "not JSON: dropped, not redelivered", secret: testSecret, body: `{"update_id":`, want: 200},
		{name: "no update_id: dropped", secret: testSecret, body: `{"message":{}}`, want: 200},
		{name: "sticker: told to write text", secret: testSecret, body: `{"update_id":51,"message":{"message_id":2,"from":{"id":701,"language_code":"en"},"chat":{"id":701,"type":"private"},"date":1,"sticker":{"file_id":"x"}}}`, want: 200, notified: true},
		{name: "too large", secret: testSecret, body: `{"update_id":52,"message":{"text":"` + strings.Repeat("a", maxWebhookBody) + `"}}`, want: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outage = tt.outage
			before := len(api.callsTo("sendMessage"))
			rec := postUpdate(mux, tt.secret, tt.body)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			select {
			case in := <-h.in:
				if !tt.inbound {
					t.Fatalf("update reached the engine: %+v", in)
				}
				if in.ExternalID != "tg:123456789:m:701:1" || in.Text != "la posta non arriva" {
					t.Fatalf("inbound %+v", in)
				}
			default:
				if tt.inbound {
					t.Fatal("update did not reach the engine")
				}
			}
			if got := len(api.callsTo("sendMessage")) - before; (got == 1) != tt.notified || got > 1 {
				t.Fatalf("%d notices sent", got)
			}
		})
	}
}

func TestRoutesOnlyInWebhookMode(t *testing.T) {
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL(), WebhookSecret: testSecret}, nil)
	mux := http.NewServeMux()
	a.Routes(mux)
	if rec := postUpdate(mux, testSecret, textUpdate(1, 1, 1, "it", "x")); rec.Code != http.StatusNotFound {
		t.Fatalf("polling mode serves the webhook path: %d", rec.Code)
	}
	_, wmux := webhookAdapter(t, api, nil)
	req := httptest.NewRequest(http.MethodGet, "/telegram/webhook", nil)
	rec := httptest.NewRecorder()
	wmux.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET on the webhook: %d, want 405", rec.Code)
	}
}

func TestWebhookModeRegistersTheWebhook(t *testing.T) {
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{Mode: ModeWebhook, WebhookSecret: testSecret, WebhookURL: "https://desk.example.org/telegram/webhook", APIURL: api.URL()}, nil)
	runAdapter(t, a)
	waitFor(t, "setWebhook", func() bool { return len(api.callsTo("setWebhook")) == 1 })
	f := api.callsTo("setWebhook")[0].Fields
	if f["url"] != "https://desk.example.org/telegram/webhook" || f["secret_token"] != testSecret || f["allowed_updates"] != `["message","callback_query"]` {
		t.Fatalf("setWebhook fields %v", f)
	}
}
