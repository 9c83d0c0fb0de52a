// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/adapters/mattermost"
)

const mmSecret = "a-shared-secret-of-the-buttons"

// fakeMattermost answers the REST calls and the WebSocket the adapter
// uses, in the server's wire format: /api/v4 JSON, the authentication
// challenge answered with {"status":"OK","seq_reply":1}, a hello event,
// and posted events whose data.post is a JSON string.
type fakeMattermost struct {
	t       *testing.T
	srv     *httptest.Server
	token   string
	bot     *model.User
	triage  string
	mu      sync.Mutex
	users   map[string]*model.User
	created []*model.Post
	conns   []*websocket.Conn
	seq     int64
	clock   int64
}

func newFakeMattermost(t *testing.T) *fakeMattermost {
	f := &fakeMattermost{t: t, token: model.NewId(), triage: model.NewId(),
		bot:   &model.User{Id: model.NewId(), Username: "helpdesk", IsBot: true},
		users: map[string]*model.User{}, clock: tuesdayMorning.UnixMilli()}
	f.users[f.bot.Id] = f.bot
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", f.auth(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, f.bot) }))
	mux.HandleFunc("GET /api/v4/users/{id}", f.auth(f.getUser))
	mux.HandleFunc("POST /api/v4/posts", f.auth(f.createPost))
	mux.HandleFunc("GET /api/v4/websocket", f.websocket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
		f.srv.Close()
	})
	return f
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func appError(w http.ResponseWriter, status int, id string) {
	writeJSON(w, status, map[string]any{"id": id, "message": id, "detailed_error": "", "request_id": model.NewId(), "status_code": status})
}

// auth compares the scheme without regard to case: Client4 sends "BEARER".
func (f *fakeMattermost) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "bearer") || tok != f.token {
			appError(w, http.StatusUnauthorized, "api.context.session_expired.app_error")
			return
		}
		next(w, r)
	}
}

func (f *fakeMattermost) addUser(username, email string) string {
	u := &model.User{Id: model.NewId(), Username: username, FirstName: strings.ToUpper(username[:1]) + username[1:], Email: email, Locale: "it"}
	f.mu.Lock()
	f.users[u.Id] = u
	f.mu.Unlock()
	return u.Id
}

func (f *fakeMattermost) getUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	u, ok := f.users[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		appError(w, http.StatusNotFound, "app.user.missing_account.const")
		return
	}
	writeJSON(w, 200, u)
}

func (f *fakeMattermost) createPost(w http.ResponseWriter, r *http.Request) {
	var p model.Post
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || !model.IsValidId(p.ChannelId) {
		appError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		return
	}
	f.mu.Lock()
	f.clock += 1000
	p.Id, p.UserId, p.CreateAt, p.UpdateAt = model.NewId(), f.bot.Id, f.clock, f.clock
	p.AddProp(model.PostPropsFromBot, "true")
	f.created = append(f.created, &p)
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, &p)
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *fakeMattermost) websocket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	var req struct {
		Seq    int64             `json:"seq"`
		Action string            `json:"action"`
		Data   map[string]string `json:"data"`
	}
	if err := conn.ReadJSON(&req); err != nil || req.Action != "authentication_challenge" || req.Data["token"] != f.token {
		conn.Close()
		return
	}
	f.mu.Lock()
	f.conns = append(f.conns, conn)
	_ = conn.WriteJSON(map[string]any{"status": "OK", "seq_reply": req.Seq})
	_ = conn.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`{"event":"hello","data":{"connection_id":"c%d","server_version":"10.5.0"},"broadcast":{"omit_users":null,"user_id":%q,"channel_id":"","team_id":""},"seq":0}`, len(f.conns), f.bot.Id)))
	f.mu.Unlock()
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
	}
}

func (f *fakeMattermost) connected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns) > 0
}

// write is a person posting in a thread of the triage channel: the server
// broadcasts a posted event.
func (f *fakeMattermost) write(userID, username, root, message string) {
	f.t.Helper()
	f.mu.Lock()
	f.clock += 1000
	f.seq++
	p := &model.Post{Id: model.NewId(), UserId: userID, ChannelId: f.triage, RootId: root, Message: message, CreateAt: f.clock, UpdateAt: f.clock}
	postJSON, _ := json.Marshal(p)
	ev, _ := json.Marshal(map[string]any{"event": "posted", "seq": f.seq,
		"data":      map[string]any{"channel_type": "O", "channel_name": "triage", "post": string(postJSON), "sender_name": "@" + username, "team_id": ""},
		"broadcast": map[string]any{"omit_users": nil, "user_id": "", "channel_id": f.triage, "team_id": ""}})
	conn := f.conns[len(f.conns)-1]
	err := conn.WriteMessage(websocket.TextMessage, ev)
	f.mu.Unlock()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeMattermost) posts() []*model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*model.Post(nil), f.created...)
}

// actions returns the card's buttons as the server stores them.
func actions(p *model.Post) []*model.PostAction {
	var out []*model.PostAction
	for _, a := range p.Attachments() {
		out = append(out, a.Actions...)
	}
	return out
}

func (f *fakeMattermost) card(convID int64) *model.Post {
	f.t.Helper()
	var got *model.Post
	eventually(f.t, "a card is posted", func() bool {
		for _, p := range f.posts() {
			if p.ChannelId != f.triage || p.RootId != "" {
				continue
			}
			for _, a := range actions(p) {
				if a.Integration != nil && a.Integration.Context["action"] == cardAction(VerbTake, convID) {
					got = p
					return true
				}
			}
		}
		return false
	})
	return got
}

func (f *fakeMattermost) inThread(root, s string) {
	f.t.Helper()
	eventually(f.t, fmt.Sprintf("the thread shows %q", s), func() bool { return f.countInThread(root, s) > 0 })
}

func (f *fakeMattermost) countInThread(root, s string) int {
	n := 0
	for _, p := range f.posts() {
		if p.RootId == root && strings.Contains(p.Message, s) {
			n++
		}
	}
	return n
}

// press is the server calling the button's integration URL, as it does
// when a person presses it.
func press(t *testing.T, mux http.Handler, userID, username string, card *model.Post, action string) {
	t.Helper()
	var ctx map[string]any
	for _, a := range actions(card) {
		if a.Integration != nil && a.Integration.Context["action"] == action {
			ctx = a.Integration.Context
		}
	}
	if ctx == nil {
		t.Fatalf("the card has no button %s", action)
	}
	body, _ := json.Marshal(model.PostActionIntegrationRequest{UserId: userID, UserName: username, ChannelId: card.ChannelId,
		PostId: card.Id, Type: "button", Context: ctx})
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, mattermost.ActionPath, bytes.NewReader(body)))
	if rec.Code != http.StatusOK {
		t.Fatalf("action answered %d: %s", rec.Code, rec.Body)
	}
}

// TestMattermostTriageRelayEndToEnd is the Slack path on Mattermost: card
// with interactive buttons through the action callback and its secret,
// Take, thread reply to the user's own channel, notes kept inside,
// resolve, an unknown account refused.
func TestMattermostTriageRelayEndToEnd(t *testing.T) {
	v := newEnv(t)
	f := newFakeMattermost(t)
	marcoMM := f.addUser("marco", "marco@example.org")
	strangerMM := f.addUser("stranger", "")
	v.agent("marco", "agent_l1", "marco@example.org", "", marcoMM)
	a, err := mattermost.New(mattermost.Config{URL: f.srv.URL, Token: f.token, CallbackURL: "http://helpdesk.test" + mattermost.ActionPath,
		ActionSecret: mmSecret}, v.engine, quietLog(), mattermost.WithBackoff(20*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	run(t, a.Run)
	v.relay(Config{Platform: PlatformMattermost, ChannelID: f.triage, Lang: "en"}, viaMattermost(a))
	eventually(t, "the adapter connects", f.connected)

	const key = "tg-99"
	convID, number := v.queued(key)
	card := f.card(convID)
	for _, want := range []string{number, "Anna Rossi", "Take"} {
		if !strings.Contains(card.Message+fmt.Sprint(card.GetProps()), want) {
			t.Errorf("card lacks %q: %s", want, card.Message)
		}
	}
	for _, act := range actions(card) {
		if act.Integration.Context["secret"] != mmSecret || act.Integration.URL != "http://helpdesk.test"+mattermost.ActionPath {
			t.Fatalf("button integration %+v", act.Integration)
		}
	}

	f.write(strangerMM, "stranger", card.Id, "take")
	f.inThread(card.Id, "I do not know you")
	if v.conv(convID).State != "queued" {
		t.Fatal("an unknown account changed the conversation")
	}

	press(t, mux, marcoMM, "marco", card, cardAction(VerbTake, convID))
	v.userGot(key, "Marco (livello 1)")
	f.inThread(card.Id, "Marco (livello 1)")

	f.write(marcoMM, "marco", card.Id, "@helpdesk Buongiorno, provi a riavviare il programma")
	v.userGot(key, "Buongiorno, provi a riavviare il programma")
	v.say(key, "fatto, adesso stampa")
	f.inThread(card.Id, "fatto, adesso stampa")

	f.write(marcoMM, "marco", card.Id, "nota il fornitore conferma un bug noto")
	f.inThread(card.Id, "Nota interna registrata") // in the agent's console language
	v.userNever(key, "fornitore")

	f.write(marcoMM, "marco", card.Id, "risolvi solved Riavviato")
	eventually(t, "the ticket is resolved", func() bool { return v.ticketState(number) == "resolved" })
	v.userGot(key, "Riavviato")
	if n := f.countInThread(card.Id, "provi a riavviare"); n != 0 {
		t.Fatalf("the relay copied the agent's thread reply back %d times", n)
	}
}
