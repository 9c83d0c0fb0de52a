// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
)

// TestSendTellsPermanentFromTemporary: the server's refusals that sending
// again cannot change (403 on an archived channel, 404, 400) are
// bots.ErrUndeliverable; 401, 500 and 503 stay temporary. The server
// answers as Mattermost does: an AppError JSON body with the status.
func TestSendTellsPermanentFromTemporary(t *testing.T) {
	bot := &model.User{Id: model.NewId(), Username: "helpdesk", IsBot: true}
	status := http.StatusOK
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, bot) })
	mux.HandleFunc("POST /api/v4/posts", func(w http.ResponseWriter, r *http.Request) {
		appError(w, status, "api.post.create_post.refused")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	a, err := New(Config{URL: srv.URL, Token: "tok"}, &recorder{}, testLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	key := "th:" + model.NewId() + ":" + model.NewId()
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{403, true}, {404, true}, {400, true}, {401, false}, {500, false}, {503, false}} {
		status = tc.status
		err := a.Send(context.Background(), bots.Outbound{ConversationKey: key, Reply: bots.Reply{Text: "x"}})
		if err == nil {
			t.Fatalf("%d: no error", tc.status)
		}
		if got := errors.Is(err, bots.ErrUndeliverable); got != tc.permanent {
			t.Errorf("%d: permanent = %v, want %v (%v)", tc.status, got, tc.permanent, err)
		}
	}
	if err := a.Send(context.Background(), bots.Outbound{ConversationKey: "nonsense", Reply: bots.Reply{Text: "x"}}); !errors.Is(err, bots.ErrUndeliverable) {
		t.Errorf("bad key: %v", err)
	}
}
