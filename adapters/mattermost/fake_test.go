// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/internal/testwait"
)

// fakeServer answers the part of the Mattermost REST API and WebSocket the
// adapter uses, in the server's wire format: JSON bodies of /api/v4, errors
// as AppError JSON with a status code, the WebSocket's authentication
// challenge, its {"status":"OK","seq_reply":1} answer, a hello event, and
// posted events whose data.post is a JSON string.
type fakeServer struct {
	t     *testing.T
	srv   *httptest.Server
	token string
	bot   *model.User

	mu        sync.Mutex
	users     map[string]*model.User
	posts     map[string]*model.Post
	channels  map[string]string // user id → direct channel id
	created   []*model.Post     // posts created through the API, in order
	throttle  int               // answer this many next CreatePost calls with 429
	throttled int
	conns     []*websocket.Conn
	closed    bool // the test ended: a push now is a mistake of the test
	connects  int
	authFails int
	seq       int64
	clock     int64
	queries   []string // "connection_id=…&sequence_number=…" of each connection
	failGets  bool     // answer thread and channel reads with 500
	// ignoreHeader leaves authentication to the challenge alone.
	ignoreHeader bool
}

func newFakeServer(t *testing.T) *fakeServer { return startFake(t, false) }

// newFakeTLSServer serves https and wss with a certificate of its own.
func newFakeTLSServer(t *testing.T) *fakeServer { return startFake(t, true) }

func startFake(t *testing.T, tls bool) *fakeServer {
	t.Helper()
	f := &fakeServer{
		t: t, token: "bot-token-" + model.NewId(),
		bot:      &model.User{Id: model.NewId(), Username: "helpdesk", IsBot: true, Locale: "it"},
		users:    map[string]*model.User{},
		posts:    map[string]*model.Post{},
		channels: map[string]string{},
		clock:    time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC).UnixMilli(),
	}
	f.users[f.bot.Id] = f.bot
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", f.auth(f.getMe))
	mux.HandleFunc("GET /api/v4/users/{id}", f.auth(f.getUser))
	mux.HandleFunc("POST /api/v4/channels/direct", f.auth(f.createDirect))
	mux.HandleFunc("POST /api/v4/posts", f.auth(f.createPost))
	mux.HandleFunc("GET /api/v4/channels/{id}/posts", f.auth(f.channelPosts))
	mux.HandleFunc("GET /api/v4/posts/{id}/thread", f.auth(f.thread))
	mux.HandleFunc("GET /api/v4/posts/{id}", f.auth(f.getPost))
	mux.HandleFunc("GET /api/v4/websocket", f.websocket)
	if tls {
		f.srv = httptest.NewTLSServer(mux)
	} else {
		f.srv = httptest.NewServer(mux)
	}
	t.Cleanup(func() {
		f.mu.Lock()
		f.closed = true
		f.mu.Unlock()
		f.dropConnections()
		f.srv.Close()
	})
	return f
}

func (f *fakeServer) addUser(username, first, last, email, locale string) *model.User {
	u := &model.User{Id: model.NewId(), Username: username, FirstName: first, LastName: last, Email: email, Locale: locale}
	f.mu.Lock()
	f.users[u.Id] = u
	f.mu.Unlock()
	return u
}

// appError writes an error the way the server does.
func appError(w http.ResponseWriter, status int, id string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"id": id, "message": id, "detailed_error": "", "request_id": model.NewId(), "status_code": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// auth checks the token the way the server does: the scheme is compared
// without regard to case (Client4 sends "BEARER").
func (f *fakeServer) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "bearer") || tok != f.token {
			appError(w, http.StatusUnauthorized, "api.context.session_expired.app_error")
			return
		}
		next(w, r)
	}
}

func (f *fakeServer) getMe(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, f.bot) }

func (f *fakeServer) getUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	u, ok := f.users[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		appError(w, http.StatusNotFound, "app.user.missing_account.const")
		return
	}
	writeJSON(w, 200, u)
}

func (f *fakeServer) createDirect(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if err := json.NewDecoder(r.Body).Decode(&ids); err != nil || len(ids) != 2 {
		appError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		return
	}
	other := ids[0]
	if other == f.bot.Id {
		other = ids[1]
	}
	f.mu.Lock()
	id, ok := f.channels[other]
	if !ok {
		id = model.NewId()
		f.channels[other] = id
	}
	f.mu.Unlock()
	sorted := []string{ids[0], ids[1]}
	sort.Strings(sorted)
	writeJSON(w, http.StatusCreated, &model.Channel{Id: id, Type: model.ChannelTypeDirect, Name: sorted[0] + "__" + sorted[1]})
}

func (f *fakeServer) createPost(w http.ResponseWriter, r *http.Request) {
	var p model.Post
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.ChannelId == "" {
		appError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		return
	}
	f.mu.Lock()
	if f.throttle > 0 {
		f.throttle--
		f.throttled++
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		appError(w, http.StatusTooManyRequests, "api.context.rate_limit.app_error")
		return
	}
	p.Id = model.NewId()
	p.UserId = f.bot.Id
	f.clock += 1000
	p.CreateAt, p.UpdateAt = f.clock, f.clock
	p.AddProp(model.PostPropsFromBot, "true")
	f.posts[p.Id] = &p
	f.created = append(f.created, &p)
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, &p)
}

// userPost records a post written by a user (as the server would) and
// returns it.
func (f *fakeServer) userPost(userID, channelID, rootID, message string) *model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock += 1000
	p := &model.Post{Id: model.NewId(), UserId: userID, ChannelId: channelID, RootId: rootID, Message: message, CreateAt: f.clock, UpdateAt: f.clock}
	f.posts[p.Id] = p
	return p
}

func (f *fakeServer) list(match func(*model.Post) bool) *model.PostList {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := model.NewPostList()
	var ps []*model.Post
	for _, p := range f.posts {
		if match(p) {
			ps = append(ps, p)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].CreateAt > ps[j].CreateAt })
	for _, p := range ps {
		l.AddPost(p)
		l.AddOrder(p.Id)
	}
	return l
}

func (f *fakeServer) getPost(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	p, ok := f.posts[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		appError(w, http.StatusNotFound, "app.post.get.app_error")
		return
	}
	writeJSON(w, 200, p)
}

func (f *fakeServer) channelPosts(w http.ResponseWriter, r *http.Request) {
	if f.failGets {
		appError(w, 500, "app.post.get_posts.app_error")
		return
	}
	ch := r.PathValue("id")
	writeJSON(w, 200, f.list(func(p *model.Post) bool { return p.ChannelId == ch }))
}

func (f *fakeServer) thread(w http.ResponseWriter, r *http.Request) {
	if f.failGets {
		appError(w, 500, "app.post.get_posts.app_error")
		return
	}
	root := r.PathValue("id")
	f.mu.Lock()
	_, ok := f.posts[root]
	f.mu.Unlock()
	if !ok {
		appError(w, http.StatusNotFound, "app.post.get.app_error")
		return
	}
	writeJSON(w, 200, f.list(func(p *model.Post) bool { return p.Id == root || p.RootId == root }))
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// websocket runs the server side of the event connection: it waits for
// the authentication challenge, answers it, says hello, and then only
// reads (events are pushed with push).
func (f *fakeServer) websocket(w http.ResponseWriter, r *http.Request) {
	// A token in the upgrade request is checked there, as the server does;
	// without one, the authentication challenge decides.
	if h := r.Header.Get("Authorization"); h != "" && !f.ignoreHeader {
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "bearer") || tok != f.token {
			f.mu.Lock()
			f.authFails++
			f.mu.Unlock()
			appError(w, http.StatusUnauthorized, "api.context.session_expired.app_error")
			return
		}
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	var req struct {
		Seq    int64             `json:"seq"`
		Action string            `json:"action"`
		Data   map[string]string `json:"data"`
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := conn.ReadJSON(&req); err != nil || req.Action != "authentication_challenge" {
		conn.Close()
		return
	}
	conn.SetReadDeadline(time.Time{})
	f.mu.Lock()
	f.queries = append(f.queries, r.URL.RawQuery)
	if req.Data["token"] != f.token {
		f.authFails++
		f.mu.Unlock()
		conn.WriteJSON(map[string]any{"status": "FAIL", "seq_reply": req.Seq,
			"error": map[string]any{"id": "api.web_socket_router.not_authenticated.app_error", "status_code": 401}})
		// The server keeps an unauthenticated connection open; the client
		// must notice the failed challenge by itself.
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}
	// The reply and hello are written before the connection is listed for
	// push, under f.mu like every other write: a WebSocket connection
	// takes one writer at a time, and a push racing the hello once
	// panicked with "concurrent write to websocket connection".
	f.connects++
	if err := conn.WriteJSON(map[string]any{"status": "OK", "seq_reply": req.Seq}); err != nil {
		f.mu.Unlock()
		return
	}
	hello := fmt.Sprintf(`{"event":"hello","data":{"connection_id":"conn%d","server_version":"10.5.0.fake"},"broadcast":{"omit_users":null,"user_id":%q,"channel_id":"","team_id":""},"seq":0}`, f.connects, f.bot.Id)
	if err := conn.WriteMessage(websocket.TextMessage, []byte(hello)); err != nil {
		f.mu.Unlock()
		return
	}
	f.conns = append(f.conns, conn)
	f.mu.Unlock()
	// The server pings its WebSocket clients; the client library declares
	// a connection dead after 65 s without one and reconnects. Without
	// pings a test running past a minute on a busy machine saw its
	// connection replaced mid-journey. WriteControl may run beside the
	// other writes (gorilla/websocket).
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)) != nil {
					return
				}
			}
		}
	}()
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			// Gone: later pushes go to a live connection only.
			f.mu.Lock()
			for i, c := range f.conns {
				if c == conn {
					f.conns = append(f.conns[:i], f.conns[i+1:]...)
					break
				}
			}
			f.mu.Unlock()
			return
		}
	}
}

func (f *fakeServer) pushRaw(conn *websocket.Conn, frame string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := conn.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		f.t.Logf("fake: push: %v", err)
	}
}

// push sends a frame to the newest live connection, waiting for one while
// the client reconnects.
func (f *fakeServer) push(frame string) {
	var conn *websocket.Conn
	waitFor(f.t, "a WebSocket connection to push to", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.closed {
			f.t.Fatal("fake: push after the test ended")
		}
		if len(f.conns) == 0 {
			return false
		}
		conn = f.conns[len(f.conns)-1]
		return true
	})
	f.pushRaw(conn, frame)
}

// posted builds a posted event the way the server broadcasts it: the post
// is a JSON string inside data, mentions a JSON string too.
func (f *fakeServer) posted(p *model.Post, channelType, senderName string, mentions []string) string {
	postJSON, err := json.Marshal(p)
	if err != nil {
		f.t.Fatal(err)
	}
	data := map[string]any{
		"channel_display_name": "@" + senderName, "channel_name": "x__y", "channel_type": channelType,
		"post": string(postJSON), "sender_name": "@" + senderName, "set_online": true, "team_id": "",
	}
	if len(mentions) > 0 {
		m, _ := json.Marshal(mentions)
		data["mentions"] = string(m)
	}
	f.mu.Lock()
	f.seq++
	seq := f.seq
	f.mu.Unlock()
	ev, _ := json.Marshal(map[string]any{
		"event": "posted", "data": data, "seq": seq,
		"broadcast": map[string]any{"omit_users": nil, "user_id": "", "channel_id": p.ChannelId, "team_id": ""},
	})
	return string(ev)
}

func (f *fakeServer) dropConnections() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		c.Close()
	}
	f.conns = nil
}

func (f *fakeServer) createdPosts() []*model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*model.Post(nil), f.created...)
}

func (f *fakeServer) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.connects
}

// waitFor waits until cond holds, with the test's one deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, what, cond)
}
