// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/http"
	"strings"
	"testing"

	"helpdesk/adapters/email"
	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/tickets"
)

// TestAPICommentsAndResolutionMailTheRequester: a public comment and a
// resolution made through the REST API reach the requester of an e-mail
// ticket as the console's reply and resolution do — through the engine
// and the e-mail adapter, to a loopback SMTP server — while an internal
// note sends nothing.
func TestAPICommentsAndResolutionMailTheRequester(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	p := newPortal(t, func(o *PublicOptions) {
		engine := o.Engine.(*bots.Engine)
		a, err := email.New(email.Config{SMTPAddr: mb.addr, SMTPSecurity: email.SecurityNone, FromAddress: "assistenza@hd.test"},
			engine, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		engine.RegisterSender(bots.ChannelEmail, a)
		o.Mailer = a
	})
	ctx := context.Background()
	toks, err := agents.NewAPITokens(p.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := toks.Create(ctx, "crm", []agents.Scope{agents.ScopeTicketsRead, agents.ScopeTicketsWrite})
	if err != nil {
		t.Fatal(err)
	}
	call := func(path string, body string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", p.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			t.Logf("%s: %d %s", path, resp.StatusCode, raw)
		}
		return resp.StatusCode
	}

	// The console's way, for comparison: an agent answers in the
	// ticket's conversation.
	const requester = "lucia.bianchi@example.org"
	number, _ := p.openByForm(requester)
	tk := p.ticket(number)
	if tk.ConversationID == nil {
		t.Fatal("a web-form ticket without a conversation")
	}
	mb.waitText(t, requester, number) // the confirmation
	users, err := agents.NewUsers(p.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := users.Add(ctx, agents.NewUser{Username: "paolo", DisplayName: "Paolo", Role: agents.RoleAgentL1, Password: "pw-paolo-long-enough"})
	if err != nil {
		t.Fatal(err)
	}
	agent := bots.Agent{ID: id, Name: "Paolo", Level: 1}
	if err := p.engine.Take(ctx, *tk.ConversationID, agent); err != nil {
		t.Fatal(err)
	}
	if err := p.engine.Reply(ctx, *tk.ConversationID, agent, "Risposta dalla console: controlli la coda di stampa."); err != nil {
		t.Fatal(err)
	}
	fromConsole := mb.mailWith(t, requester, "Risposta dalla console")

	// The same, through the API.
	base := "/api/v1/tickets/" + number
	if code := call(base+"/comments", `{"body":"Risposta dall'API: abbiamo riavviato il server di stampa.","public":true}`); code != 201 {
		t.Fatalf("public comment: %d", code)
	}
	fromAPI := mb.mailWith(t, requester, "Risposta dall'API")
	for _, h := range []string{"Subject", "In-Reply-To", "Content-Type"} {
		a, _, _ := strings.Cut(header(fromAPI, h), ";") // not the boundary
		c, _, _ := strings.Cut(header(fromConsole, h), ";")
		if a != c || a == "" {
			t.Errorf("%s: API mail %q, console mail %q", h, a, c)
		}
	}
	if header(fromAPI, "Auto-Submitted") != header(fromConsole, "Auto-Submitted") {
		t.Errorf("Auto-Submitted differs: %q / %q", header(fromAPI, "Auto-Submitted"), header(fromConsole, "Auto-Submitted"))
	}
	// Delivered, so it counts as the desk's answer like the console's.
	cs, err := p.tickets.Comments(ctx, p.pool, tk.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cs {
		found = found || c.Public && c.Author == "api:crm" && strings.HasPrefix(c.Body, "Risposta dall'API")
	}
	if !found {
		t.Errorf("the API's public comment is not on the ticket: %+v", cs)
	}

	// An internal note sends nothing; a resolution mails the closing
	// note, how to reopen and the satisfaction question.
	if code := call(base+"/comments", `{"body":"Nota interna: toner quasi finito."}`); code != 201 {
		t.Fatalf("internal note: %d", code)
	}
	if code := call(base+"/state", `{"state":"resolved","closure_code":"solved","closure_note":"Coda di stampa svuotata e server riavviato."}`); code != 200 {
		t.Fatalf("resolve: %d", code)
	}
	resolved := mb.mailWith(t, requester, "Coda di stampa svuotata")
	if !strings.Contains(resolved, "risolta") || !strings.HasPrefix(header(resolved, "Auto-Submitted"), "auto-") {
		t.Errorf("resolution mail:\n%s", resolved)
	}
	mb.mailWith(t, requester, "soddisfatto")
	// Mails of one conversation go out in order: the note, had it been
	// sent, would be here by now.
	for _, m := range mb.texts(requester) {
		if strings.Contains(m, "toner quasi finito") {
			t.Errorf("the internal note was mailed:\n%s", m)
		}
	}
	conv, err := p.engine.Store().Get(ctx, p.pool, *tk.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.State != bots.StateResolved {
		t.Errorf("conversation %s after the API's resolution", conv.State)
	}
	got := p.ticket(number)
	if got.State != tickets.StateResolved || got.ClosureNote != "Coda di stampa svuotata e server riavviato." {
		t.Errorf("ticket %s %q", got.State, got.ClosureNote)
	}
}

// TestAPIOpenedTicketMailsTheRequester: a ticket opened through the REST
// API for a requester with an address takes the console's path — the
// confirmation with the number, then its public comments and its
// resolution by mail in the same thread — and one without an address has
// no thread and mails nobody.
func TestAPIOpenedTicketMailsTheRequester(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	p := newPortal(t, func(o *PublicOptions) {
		engine := o.Engine.(*bots.Engine)
		a, err := email.New(email.Config{SMTPAddr: mb.addr, SMTPSecurity: email.SecurityNone, FromAddress: "assistenza@hd.test"},
			engine, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		engine.RegisterSender(bots.ChannelEmail, a)
		o.Mailer = a
	})
	ctx := context.Background()
	toks, err := agents.NewAPITokens(p.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := toks.Create(ctx, "crm", []agents.Scope{agents.ScopeTicketsRead, agents.ScopeTicketsWrite})
	if err != nil {
		t.Fatal(err)
	}
	call := func(path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", p.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	const requester = "carla.verdi@example.org"
	code, body := call("/api/v1/tickets", `{"subject":"Il badge non apre il varco","description":"Da ieri il badge non apre il varco del piano terra.",`+
		`"requester_email":"`+requester+`","requester_name":"Carla Verdi","level":2}`)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var created tickets.Ticket
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	tk := p.ticket(created.Number)
	if tk.ConversationID == nil || tk.OriginChannel != "api" || tk.Level != 2 {
		t.Fatalf("API ticket: conversation %v, origin %q, level %d", tk.ConversationID, tk.OriginChannel, tk.Level)
	}
	confirmation := mb.mailWith(t, requester, created.Number)
	if !strings.Contains(confirmation, "/track/"+created.Number) {
		t.Errorf("the confirmation has no tracking link:\n%s", confirmation)
	}
	base := "/api/v1/tickets/" + created.Number
	if code, body := call(base+"/comments", `{"body":"Abbiamo riattivato il badge: riprovi.","public":true}`); code != 201 {
		t.Fatalf("public comment: %d %s", code, body)
	}
	reply := mb.mailWith(t, requester, "riattivato il badge")
	if root := header(confirmation, "In-Reply-To"); root == "" || header(reply, "In-Reply-To") != root {
		t.Errorf("the comment's mail is not in the confirmation's thread (%q):\n%s", root, reply)
	}
	if code, body := call(base+"/state", `{"state":"resolved","closure_code":"solved","closure_note":"Badge riattivato."}`); code != 200 {
		t.Fatalf("resolve: %d %s", code, body)
	}
	resolved := mb.mailWith(t, requester, "Badge riattivato.")
	if header(resolved, "In-Reply-To") != header(reply, "In-Reply-To") {
		t.Errorf("the resolution is not in the same thread: %q / %q", header(resolved, "In-Reply-To"), header(reply, "In-Reply-To"))
	}

	// Without an address: no thread, nothing to mail.
	code, body = call("/api/v1/tickets", `{"subject":"Stampante guasta","description":"La stampante del secondo piano è guasta."}`)
	if code != 201 {
		t.Fatalf("create without an address: %d %s", code, body)
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	if tk := p.ticket(created.Number); tk.ConversationID != nil || tk.RequesterID != nil {
		t.Errorf("a ticket without an address has conversation %v, requester %v", tk.ConversationID, tk.RequesterID)
	}
}

// texts are the decoded mails to address, in order.
func (mb *mailbox) texts(address string) []string {
	mb.mu.Lock()
	mails := append([]receivedMail(nil), mb.mail...)
	mb.mu.Unlock()
	var out []string
	for _, m := range mails {
		if len(m.To) == 0 || !strings.EqualFold(m.To[0], address) {
			continue
		}
		b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(m.Data)))
		if err != nil {
			b = m.Data
		}
		out = append(out, string(b))
	}
	return out
}

// mailWith waits for a mail to address containing want.
func (mb *mailbox) mailWith(t *testing.T, address, want string) string {
	t.Helper()
	return mb.waitText(t, address, want)
}

// header is a mail's header field (first occurrence, unfolded).
func header(mail, name string) string {
	head, _, _ := strings.Cut(strings.ReplaceAll(mail, "\r\n", "\n"), "\n\n")
	head = strings.ReplaceAll(head, "\n ", " ")
	for _, l := range strings.Split(head, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
