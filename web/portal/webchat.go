// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"helpdesk/web/clean"
	"helpdesk/web/problem"
	"html"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"helpdesk/bots"
	"helpdesk/bots/markup"
)

// ChatChannel is the engine channel of the web chat (and of the web
// form's requester identity).
const ChatChannel = "web"

// ChatKeyHeader carries the visitor's conversation key: the panel keeps
// it in localStorage (a third-party cookie would be blocked when the
// panel is embedded in another site).
const ChatKeyHeader = "X-Chat-Key"

// chatHub is the web channel's sender. Replies are already stored by the
// engine when Send is called, so delivering one means waking the
// visitor's pending poll, which reads them from the database; a poll on
// another instance finds them at its next check.
type chatHub struct {
	mu      sync.Mutex
	waiters map[string]map[chan struct{}]struct{}
}

func newChatHub() *chatHub {
	return &chatHub{waiters: map[string]map[chan struct{}]struct{}{}}
}

// Waiting says whether a poll on key waits for a reply: a test that
// makes the reply waits on it, a signal rather than a pause.
func (h *chatHub) Waiting(key string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.waiters[key]) > 0
}

// Send wakes the polls waiting on the reply's conversation.
func (h *chatHub) Send(_ context.Context, out bots.Outbound) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.waiters[out.ConversationKey] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	return nil
}

// wait registers a poll on key; call the returned func when done.
func (h *chatHub) wait(key string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.waiters[key] == nil {
		h.waiters[key] = map[chan struct{}]struct{}{}
	}
	h.waiters[key][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.waiters[key], ch)
		if len(h.waiters[key]) == 0 {
			delete(h.waiters, key)
		}
		h.mu.Unlock()
	}
}

// parseChatKey accepts only keys the server issued: 192 random bits in
// base64url, the same shape as tracking tokens.
func parseChatKey(s string) (string, bool) {
	if _, ok := parseToken(s); !ok {
		return "", false
	}
	return s, true
}

var clientMsgID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// chatInput is what the panel posts: a text or a pressed button.
type chatInput struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Action string `json:"action"`
}

// decodeChatInput reads and checks a posted chat message.
func decodeChatInput(body []byte) (chatInput, error) {
	var in chatInput
	if err := json.Unmarshal(body, &in); err != nil {
		return in, fmt.Errorf("%w: %v", problem.ErrBadRequest, err)
	}
	clean.Strings(&in)
	in.Text = strings.TrimSpace(in.Text)
	switch {
	case !clientMsgID.MatchString(in.ID):
		return in, fmt.Errorf("%w: message id", problem.ErrBadRequest)
	case in.Text == "" && in.Action == "":
		return in, fmt.Errorf("%w: empty message", problem.ErrBadRequest)
	case len(in.Text) > bots.MaxTextBytes || len(in.Action) > 200:
		return in, fmt.Errorf("%w: message too long", bots.ErrTooLong)
	}
	return in, nil
}

// ChatMessage is one message as the panel shows it.
type ChatMessage struct {
	ID      int64         `json:"id"`
	From    string        `json:"from"`             // me | bot | agent
	Client  string        `json:"client,omitempty"` // the panel's id of a visitor's message
	HTML    string        `json:"html"`
	Buttons []bots.Button `json:"buttons,omitempty"`
	Links   []bots.Link   `json:"links,omitempty"`
	Media   []bots.Media  `json:"media,omitempty"`
	At      time.Time     `json:"at"`
}

type chatRow struct {
	ID         int64     `db:"id"`
	ExternalID string    `db:"external_id"`
	Direction  string    `db:"direction"`
	Author     string    `db:"author"`
	Body       string    `db:"body"`
	Payload    []byte    `db:"payload"`
	CreatedAt  time.Time `db:"created_at"`
}

// chatHTML is a message's text as the chat panel shows it: Markdown
// through bots/markup (the one renderer of every channel), sanitised HTML
// with tables as "Label: value" lines and numbered steps as lists.
func chatHTML(text string) string { return markup.Render(text, markup.HTML) }

// userHTML is what the visitor wrote, shown back as they wrote it: their
// text is not the desk's Markdown.
func userHTML(text string) string {
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>")
}

func toChatMessage(r chatRow) (ChatMessage, bool) {
	m := ChatMessage{ID: r.ID, At: r.CreatedAt}
	if r.Direction == "in" {
		if strings.TrimSpace(r.Body) == "" {
			return m, false // a pressed button: the panel showed its label already
		}
		m.From, m.HTML = "me", userHTML(r.Body)
		// "visitor-<hash>:<client id>": the panel showed this message when
		// it was sent and must know it when the poll brings it back.
		if i := strings.LastIndexByte(r.ExternalID, ':'); i >= 0 {
			m.Client = r.ExternalID[i+1:]
		}
		return m, true
	}
	m.From = "bot"
	if strings.HasPrefix(r.Author, "agent:") || strings.HasPrefix(r.Author, "user:") {
		m.From = "agent"
	}
	var rep bots.Reply
	if err := json.Unmarshal(r.Payload, &rep); err != nil || rep.Text == "" && len(rep.Buttons) == 0 {
		rep = bots.Reply{Text: r.Body}
	}
	m.HTML, m.Buttons, m.Links, m.Media = chatHTML(rep.Text), rep.Buttons, rep.Links, rep.Media
	for i, l := range m.Links {
		if !strings.HasPrefix(l.URL, "http://") && !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "/") {
			m.Links[i].URL = "#"
		}
	}
	return m, true
}

type chatPageData struct {
	Embed bool
}

func (p *Site) ChatPage(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r, "chat.title", chatPageData{})
	if p.opt.Engine == nil {
		v.Error = v.T("chat.off")
	}
	p.render(w, http.StatusOK, "chat", v)
}

func (p *Site) ChatEmbed(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r, "chat.title", chatPageData{Embed: true})
	v.Embed = true
	if p.opt.Engine == nil {
		v.Error = v.T("chat.off")
	}
	p.render(w, http.StatusOK, "chat", v)
}

// ChatSnippet is the script another site includes to host the panel:
// a button that opens the panel in a frame served from here.
func (p *Site) ChatSnippet(w http.ResponseWriter, r *http.Request) {
	b, err := publicStaticFS.ReadFile("static/embed.js")
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=600")
	w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
	w.Write(b)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// ChatFail answers a chat call with a status and a message in the
// visitor's language.
func (p *Site) ChatFail(w http.ResponseWriter, r *http.Request, err error) {
	code, key := p.chatOut.Fail(r, err)
	writeJSON(w, code, map[string]string{"error": Text.T(p.publicLang(w, r), key)})
}

// ChatStart gives a new visitor a conversation key.
func (p *Site) ChatStart(w http.ResponseWriter, r *http.Request) {
	if p.opt.Engine == nil {
		p.ChatFail(w, r, problem.ErrChatOff)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"key": base64.RawURLEncoding.EncodeToString(randomBytes(tokenBytes))})
}

func (p *Site) ChatSend(w http.ResponseWriter, r *http.Request) {
	key, ok := parseChatKey(r.Header.Get(ChatKeyHeader))
	if !ok || p.opt.Engine == nil {
		p.ChatFail(w, r, problem.ErrForbidden)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 2*bots.MaxTextBytes+1))
	if err != nil {
		p.ChatFail(w, r, fmt.Errorf("%w: %v", problem.ErrBadRequest, err))
		return
	}
	if len(body) > 2*bots.MaxTextBytes {
		p.ChatFail(w, r, bots.ErrTooLong)
		return
	}
	in, err := decodeChatInput(body)
	if err != nil {
		p.ChatFail(w, r, err)
		return
	}
	if err := p.limiter.allow(r.Context(), rateLimit{"chat-addr", p.clientKey(r), p.opt.ChatPerAddress, 10 * time.Minute}); err != nil {
		p.ChatFail(w, r, err)
		return
	}
	lang := p.publicLang(w, r)
	_, err = p.opt.Engine.Handle(r.Context(), bots.Inbound{Channel: ChatChannel, ExternalID: VisitorID(key) + ":" + in.ID,
		ConversationKey: key, User: bots.User{ID: VisitorID(key), Lang: lang}, Text: in.Text, Action: in.Action})
	if err != nil {
		p.ChatFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// VisitorID names an anonymous visitor without repeating their key (a
// bearer secret) in every message row.
func VisitorID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "visitor-" + hex.EncodeToString(sum[:8])
}

// pollWait bounds one long poll; pollCheck is how often it looks at the
// database for replies delivered by another instance.
const (
	pollWait  = 25 * time.Second
	pollCheck = 2 * time.Second
)

// ChatPoll returns the visitor's messages after ?after=, waiting up to
// pollWait for new ones (long polling: plain HTTP, proxies pass it).
func (p *Site) ChatPoll(w http.ResponseWriter, r *http.Request) {
	key, ok := parseChatKey(r.Header.Get(ChatKeyHeader))
	if !ok {
		p.ChatFail(w, r, problem.ErrForbidden)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	wake, done := p.chat.wait(key)
	defer done()
	deadline := time.NewTimer(pollWait)
	defer deadline.Stop()
	tick := time.NewTicker(pollCheck)
	defer tick.Stop()
	for {
		msgs, state, err := p.chatMessages(r.Context(), key, after)
		if err != nil {
			p.ChatFail(w, r, err)
			return
		}
		if len(msgs) > 0 || after < 0 {
			writeJSON(w, http.StatusOK, map[string]any{"messages": msgs, "state": state})
			return
		}
		select {
		case <-wake:
		case <-tick.C:
		case <-deadline.C:
			writeJSON(w, http.StatusOK, map[string]any{"messages": []ChatMessage{}, "state": state})
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (p *Site) chatMessages(ctx context.Context, key string, after int64) ([]ChatMessage, string, error) {
	var rows []chatRow
	if err := p.db.SelectContext(ctx, &rows, p.q.ChatMessages, key, max(after, 0)); err != nil {
		return nil, "", err
	}
	var state string
	if err := p.db.GetContext(ctx, &state, p.q.ChatState, key); err != nil {
		return nil, "", err
	}
	out := make([]ChatMessage, 0, len(rows))
	for _, row := range rows {
		if m, ok := toChatMessage(row); ok {
			out = append(out, m)
		}
	}
	if len(out) == 0 && len(rows) > 0 {
		// Only button presses: move the cursor past them, or the poll
		// would return at once forever.
		out = append(out, ChatMessage{ID: rows[len(rows)-1].ID, From: "cursor"})
	}
	return out, state, nil
}
