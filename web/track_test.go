// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
	"helpdesk/tickets"
	"helpdesk/web/portal"
)

// openByForm submits the web form and returns the number and the path of
// the tracking page.
func (p *portalServer) openByForm(email string) (number, path string) {
	p.t.Helper()
	code, body, h := p.postMultipart(p.client(), "/help/request", validForm(email), "", nil)
	m := trackLocation.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil {
		p.t.Fatalf("form = %d %q\n%.400s", code, h.Get("Location"), body)
	}
	return m[1], strings.TrimSuffix(h.Get("Location"), "&flash=created")
}

func (p *portalServer) ticket(number string) *tickets.Ticket {
	p.t.Helper()
	tk, err := p.tickets.GetByNumber(context.Background(), p.pool, number)
	if err != nil {
		p.t.Fatal(err)
	}
	return tk
}

func TestTrackingLinkNeedsItsToken(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	number, path := p.openByForm("anna@example.org")
	_, other := p.openByForm("bruno@example.org")
	otherToken := other[strings.Index(other, "?t=")+3:]
	goodToken := path[strings.Index(path, "?t=")+3:]
	tests := []struct {
		name string
		path string
		ok   bool
	}{
		{"right token", path, true},
		{"right token, number in lower case", "/track/" + strings.ToLower(number) + "?t=" + goodToken, true},
		{"no token", "/track/" + number, false},
		{"another ticket's token", "/track/" + number + "?t=" + otherToken, false},
		{"one character changed", "/track/" + number + "?t=" + flip(goodToken), false},
		{"token too short", "/track/" + number + "?t=" + goodToken[:31], false},
		{"unknown number", "/track/HD-2020-999999?t=" + goodToken, false},
		{"not a number", "/track/..%2f?t=" + goodToken, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, h := p.get(c, tt.path)
			if code != 200 {
				t.Fatalf("= %d", code)
			}
			shows := strings.Contains(body, "La stampante del reparto non stampa")
			if shows != tt.ok {
				t.Fatalf("ticket shown = %v, want %v\n%.600s", shows, tt.ok, body)
			}
			if !tt.ok && !strings.Contains(body, "incompleto o non è più valido") {
				t.Errorf("a bad link should offer a new one")
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Errorf("tracking pages must not be cached")
			}
		})
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[5] == 'A' {
		b[5] = 'B'
	} else {
		b[5] = 'A'
	}
	return string(b)
}

func TestTrackingTimelineShowsPublicHistoryOnly(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	number, path := p.openByForm("carla@example.org")
	tk := p.ticket(number)
	ctx := context.Background()
	if _, err := p.tickets.AddComment(ctx, p.pool, tk.ID, "agent:1", true, "Abbiamo riavviato lo spooler: riprovi ora."); err != nil {
		t.Fatal(err)
	}
	if _, err := p.tickets.AddComment(ctx, p.pool, tk.ID, "agent:1", false, "nota interna: stampante vecchia"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.tickets.Transition(ctx, p.pool, tk.ID, "agent:1", tickets.StateWaitingRequester); err != nil {
		t.Fatal(err)
	}
	_, body, _ := p.get(p.client(), path)
	for _, want := range []string{"Abbiamo riavviato lo spooler", "L&#39;assistenza ha risposto", "In attesa di una tua risposta", `id="reply-send"`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(body, "nota interna") {
		t.Error("an internal note is shown to the requester")
	}
}

func TestTrackingReply(t *testing.T) {
	t.Parallel()
	p := newPortal(t, func(o *PublicOptions) { o.ReopenWindow = 48 * time.Hour })
	c := p.client()
	ctx := context.Background()
	number, path := p.openByForm("dario@example.org")
	token := path[strings.Index(path, "?t=")+3:]
	tk := p.ticket(number)
	reply := func(body, tok string) (int, string, http.Header) {
		return p.postForm(c, "/track/"+number+"/reply", url.Values{"t": {tok}, "body": {body}}, "Accept-Language", "it")
	}

	code, _, h := reply("Ho provato, ancora niente.", token)
	if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "flash=sent") {
		t.Fatalf("reply = %d %s", code, h.Get("Location"))
	}
	cs, _ := p.tickets.Comments(ctx, p.pool, tk.ID, false)
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Author, "requester:") || !cs[0].Public {
		t.Fatalf("comments %+v", cs)
	}
	var inbound int
	if err := p.pool.Get(&inbound, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'in' AND body = 'Ho provato, ancora niente.'`, *tk.ConversationID); err != nil {
		t.Fatal(err)
	}
	if inbound != 1 {
		t.Errorf("the reply should reach the conversation the agents see")
	}

	// Resolved within the window: the reply reopens the ticket and queues
	// the conversation again.
	if _, err := p.tickets.Resolve(ctx, p.pool, tk.ID, "agent:1", "solved", "spooler"); err != nil {
		t.Fatal(err)
	}
	p.pool.MustExec(`UPDATE conversations SET state = 'resolved' WHERE id = $1`, *tk.ConversationID)
	code, _, h = reply("Si è bloccata di nuovo.", token)
	if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "flash=reopened") {
		t.Fatalf("reply on resolved = %d %s", code, h.Get("Location"))
	}
	var convState string
	if err := p.pool.Get(&convState, `SELECT state FROM conversations WHERE id = $1`, *tk.ConversationID); err != nil {
		t.Fatal(err)
	}
	if st := p.ticket(number).State; st != tickets.StateOpen || convState != "queued" {
		t.Fatalf("after reopening: ticket %s, conversation %s", st, convState)
	}

	// Resolved long ago: no reply box, a post is refused.
	if _, err := p.tickets.Resolve(ctx, p.pool, tk.ID, "agent:1", "solved", "ok"); err != nil {
		t.Fatal(err)
	}
	p.pool.MustExec(`UPDATE tickets SET resolved_at = now() - interval '3 days' WHERE id = $1`, tk.ID)
	_, body, _ := p.get(c, path)
	if strings.Contains(body, `id="reply-send"`) || !strings.Contains(body, "apri una nuova richiesta") {
		t.Errorf("an expired resolved ticket should offer a new request, not a reply")
	}
	tests := []struct {
		name, body, token string
		code              int
	}{
		{"after the window", "ancora", token, 422},
		{"wrong token", "ciao", flip(token), 403},
		{"no token", "ciao", "", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, _ := reply(tt.body, tt.token); code != tt.code {
				t.Fatalf("= %d, want %d", code, tt.code)
			}
		})
	}
	if st := p.ticket(number).State; st != tickets.StateResolved {
		t.Errorf("state %s after refused replies", st)
	}
}

func TestTrackingReplyValidation(t *testing.T) {
	t.Parallel()
	p := newPortal(t, func(o *PublicOptions) { o.RepliesPerTicket = 1 })
	c := p.client()
	number, path := p.openByForm("elena@example.org")
	token := path[strings.Index(path, "?t=")+3:]
	tests := []struct {
		name, body, want string
		code             int
	}{
		{"empty", "  ", "Questo campo è obbligatorio.", 422},
		{"too long", strings.Repeat("a", portal.MaxReplyBytes+1), "Il testo è troppo lungo.", 422},
		{"accepted", "grazie", "", 303},
		{"over the limit", "ancora", "Troppe richieste", 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := p.postForm(c, "/track/"+number+"/reply", url.Values{"t": {token}, "body": {tt.body}})
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Fatalf("= %d, want %d with %q\n%.300s", code, tt.code, tt.want, body)
			}
			if code == 422 && !strings.Contains(body, `name="t" value="`+token+`"`) {
				t.Errorf("the page after an error must keep the token")
			}
		})
	}
}

func TestFindMyTicketMailsTheLinkWithoutTelling(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	number, _ := p.openByForm("Franco@Example.org")
	p.mail.waitFor(t, "franco@example.org") // the form's confirmation
	before := len(p.mail.sent())
	find := func(num, email string) (int, string) {
		code, body, _ := p.postForm(c, "/track/", url.Values{"number": {num}, "email": {email}})
		return code, body
	}
	_, matched := find(strings.ToLower(number), "franco@example.org")
	_, wrongMail := find(number, "intruso@example.org")
	_, noTicket := find("HD-2020-000999", "franco@example.org")
	if matched != wrongMail || matched != noTicket {
		t.Fatal("the answer differs between a match and a miss")
	}
	if !strings.Contains(matched, "Se il numero e l&#39;indirizzo corrispondono") {
		t.Fatalf("answer:\n%.600s", matched)
	}
	testwait.For(t, "the mail to the owner", func() bool { return len(p.mail.sent()) >= before+1 })
	time.Sleep(testwait.Quiet) // a wrong second mail would be here by now
	sent := p.mail.sent()[before:]
	if len(sent) != 1 {
		t.Fatalf("%d mails, want only the one to the owner: %+v", len(sent), sent)
	}
	if to, _, _ := bots.ParseMailKey(sent[0].ConversationKey); to != "franco@example.org" {
		t.Fatalf("mailed to %s", to)
	}
	link := trackLinkIn(t, p.ts.URL, sent[0])
	if _, body, _ := p.get(c, link); !strings.Contains(body, "La stampante del reparto non stampa") {
		t.Fatal("the mailed link does not open the ticket")
	}
	code, body := find("HD-1", "not-an-address")
	if code != 422 || !strings.Contains(body, "HD-2026-000123") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("bad input = %d", code)
	}
	// Three finds per e-mail address an hour.
	find(number, "franco@example.org")
	if code, _ := find(number, "franco@example.org"); code != http.StatusTooManyRequests {
		t.Errorf("fourth find for one address = %d, want 429", code)
	}
}

func TestTrackingTokens(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	ctx := context.Background()
	number, _ := p.openByForm("gina@example.org")
	tk := p.ticket(number)
	tr, err := tickets.NewTrackingTokens(nil)
	if err != nil {
		t.Fatal(err)
	}
	link, err := tr.Link(ctx, p.pool, "https://hd.example/", tk.ID, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	tokText, ok := strings.CutPrefix(link, "https://hd.example/track/"+number+"?t=")
	if !ok {
		t.Fatalf("link %s", link)
	}
	tok, err := base64.RawURLEncoding.Strict().DecodeString(tokText)
	if err != nil || len(tok)*8 < 128 {
		t.Fatalf("token %q: %d bits", tokText, len(tok)*8)
	}
	if good, err := tr.Valid(ctx, p.pool, tk.ID, tok); err != nil || !good {
		t.Fatalf("issued token refused: %v", err)
	}
	var n int
	if err := p.pool.Get(&n, `SELECT count(*) FROM tracking_tokens WHERE ticket_id = $1`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d tokens, want the form's and this one", n)
	}
}
