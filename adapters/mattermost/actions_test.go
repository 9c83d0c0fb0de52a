// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

const testSecret = "s3cret-shared-with-the-server"

// actionBody is the fixture with its context changed by edit.
func actionBody(t testing.TB, edit func(ctx map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "action_request.json"))
	if err != nil {
		t.Fatal(err)
	}
	var req map[string]any
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(req["context"].(map[string]any))
	}
	out, _ := json.Marshal(req)
	return out
}

func TestActionCallback(t *testing.T) {
	f := newFakeServer(t)
	at := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		body       []byte
		noCallback bool
		handler    *recorder
		wantStatus int
		wantCalls  int
		wantText   string
	}{
		{name: "good press", body: actionBody(t, nil), wantStatus: 200, wantCalls: 1},
		{name: "wrong secret", body: actionBody(t, func(c map[string]any) { c["secret"] = "s3cret-shared-with-the-serveR" }), wantStatus: 401},
		{name: "no secret", body: actionBody(t, func(c map[string]any) { delete(c, "secret") }), wantStatus: 401},
		{name: "secret not a string", body: actionBody(t, func(c map[string]any) { c["secret"] = 12 }), wantStatus: 401},
		{name: "not JSON", body: []byte("user_id=x"), wantStatus: 401},
		{name: "bad conversation key", body: actionBody(t, func(c map[string]any) { c["key"] = "dm:../../x" }), wantStatus: 400},
		{name: "no action", body: actionBody(t, func(c map[string]any) { c["action"] = "" }), wantStatus: 400},
		{name: "too large", body: actionBody(t, func(c map[string]any) { c["pad"] = strings.Repeat("x", maxActionBody) }), wantStatus: 413},
		{name: "buttons not configured", body: actionBody(t, nil), noCallback: true, wantStatus: 404},
		{name: "database down", body: actionBody(t, nil), wantStatus: 200, wantCalls: 1, wantText: "try again in a moment",
			handler: &recorder{failWith: fmt.Errorf("%w: x", db.ErrUnavailable), failures: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.handler
			if rec == nil {
				rec = &recorder{}
			}
			cfg := Config{CallbackURL: "https://hd.test" + ActionPath, ActionSecret: testSecret}
			if tt.noCallback {
				cfg = Config{}
			}
			a := newTestAdapter(t, f, rec, cfg, nil)
			a.now = func() time.Time { return at }
			mux := http.NewServeMux()
			a.Routes(mux)
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest("POST", ActionPath, bytes.NewReader(tt.body)))
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.wantStatus, w.Body)
			}
			rec.mu.Lock()
			calls := rec.calls
			rec.mu.Unlock()
			if calls != tt.wantCalls {
				t.Fatalf("handler called %d times, want %d", calls, tt.wantCalls)
			}
			if w.Code != 200 {
				return
			}
			var resp model.PostActionIntegrationResponse
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("answer %q: %v", w.Body, err)
			}
			if !strings.Contains(resp.EphemeralText, tt.wantText) {
				t.Errorf("ephemeral text %q, want %q", resp.EphemeralText, tt.wantText)
			}
			if tt.wantText != "" {
				return
			}
			in := rec.inbounds()[0]
			want := bots.Inbound{Channel: "mattermost", ExternalID: "act:vdgaj8gxbenyjqwx4hh5344tfj:oc9is0j8ht9lgmxg9edn581u33:fb:no",
				ConversationKey: "dm:oc9is0j8ht9lgmxg9edn581u33", Action: "fb:no", At: at,
				User: bots.User{ID: "oc9is0j8ht9lgmxg9edn581u33", Name: "alice.rossi"}}
			if in != want {
				t.Errorf("inbound\n got %+v\nwant %+v", in, want)
			}
		})
	}
}

// FuzzDecodeAction: no callback body may panic the decoder, and what it
// accepts has ids that are Mattermost ids.
func FuzzDecodeAction(f *testing.F) {
	f.Add(actionBody(f, nil))
	f.Add([]byte(`{"user_id":"oc9is0j8ht9lgmxg9edn581u33","post_id":"vdgaj8gxbenyjqwx4hh5344tfj","context":{"secret":1}}`))
	f.Add([]byte(`{"context":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodeAction(body)
		if err != nil {
			return
		}
		if !model.IsValidId(p.userID) || !model.IsValidId(p.postID) {
			t.Fatalf("accepted ids %q %q", p.userID, p.postID)
		}
	})
}
