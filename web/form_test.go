// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var trackLocation = regexp.MustCompile(`^/track/(HD-\d{4}-\d{6})\?t=([A-Za-z0-9_-]{32})&flash=created$`)

func TestFormOpensTicketAndMailsLink(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	code, _, _ := p.get(c, "/help/request")
	if code != 200 {
		t.Fatalf("form page = %d", code)
	}
	shot := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 500)...)
	code, body, h := p.postMultipart(c, "/help/request", validForm("Giulia.Bianchi@Example.org"), "schermata.png", shot)
	if code != http.StatusSeeOther {
		t.Fatalf("submit = %d\n%.800s", code, body)
	}
	m := trackLocation.FindStringSubmatch(h.Get("Location"))
	if m == nil {
		t.Fatalf("redirect %q is not a tracking link", h.Get("Location"))
	}
	number := m[1]

	var tk struct {
		Origin   string `db:"origin_channel"`
		Category string `db:"category"`
		Subject  string `db:"subject"`
		Email    string `db:"email"`
		Name     string `db:"name"`
		Channel  string `db:"channel"`
		State    string `db:"state"`
		Key      string `db:"conversation_key"`
	}
	err := p.pool.Get(&tk, `SELECT t.origin_channel, t.category, t.subject, r.email, r.name, c.channel, c.state, c.conversation_key
		FROM tickets t JOIN requesters r ON r.id = t.requester_id JOIN conversations c ON c.id = t.conversation_id WHERE t.number = $1`, number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Origin != "web" || tk.Category != "Stampa" || tk.Email != "Giulia.Bianchi@Example.org" || tk.Name != "Giulia Bianchi" ||
		tk.Channel != "email" || tk.State != "queued" || !strings.HasPrefix(tk.Key, "mailto:giulia.bianchi@example.org root:webform.") {
		t.Fatalf("ticket %+v", tk)
	}
	var identities int
	if err := p.pool.Get(&identities, `SELECT count(*) FROM requester_identities WHERE external_id = 'giulia.bianchi@example.org' AND channel IN ('web', 'email')`); err != nil {
		t.Fatal(err)
	}
	if identities != 2 {
		t.Errorf("%d identities, want the e-mail and the web one", identities)
	}
	var att struct {
		Filename string `db:"filename"`
		Type     string `db:"content_type"`
		Size     int64  `db:"size_bytes"`
		Key      string `db:"storage_key"`
	}
	if err := p.pool.Get(&att, `SELECT filename, content_type, size_bytes, storage_key FROM ticket_attachments`); err != nil {
		t.Fatal(err)
	}
	if att.Filename != "schermata.png" || att.Type != "image/png" || att.Size != int64(len(shot)) {
		t.Errorf("attachment %+v", att)
	}
	if got, err := os.ReadFile(filepath.Join(p.files, filepath.FromSlash(att.Key))); err != nil || !bytes.Equal(got, shot) {
		t.Errorf("stored file: %v", err)
	}

	mail := p.mail.waitFor(t, "giulia.bianchi@example.org")
	if mail.ConversationKey != tk.Key || mail.Channel != "email" || !strings.Contains(mail.Text, number) {
		t.Errorf("confirmation %+v", mail)
	}
	link := trackLinkIn(t, p.ts.URL, mail)
	code, body, _ = p.get(c, link)
	if code != 200 || !strings.Contains(body, number) || !strings.Contains(body, "La stampante del reparto non stampa") {
		t.Fatalf("tracking page from the mail = %d\n%.600s", code, body)
	}
	var hashes int
	if err := p.pool.Get(&hashes, `SELECT count(*) FROM tracking_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, m[2]); err != nil {
		t.Fatal(err)
	}
	if hashes != 0 {
		t.Errorf("the token's text must not be what is hashed and stored as is")
	}
}

func TestFormFieldErrors(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	with := func(k, v string) url.Values {
		f := validForm("mario.rossi@example.org")
		f.Set(k, v)
		return f
	}
	tests := []struct {
		name     string
		form     url.Values
		file     []byte
		lang     string
		field    string
		message  string
		wantCode int
	}{
		{"no name", with("name", ""), nil, "it", "name", "Questo campo è obbligatorio.", 422},
		{"bad e-mail", with("email", "mario@"), nil, "en", "email", "Enter a valid e-mail address", 422},
		{"e-mail with a name", with("email", "Mario <mario@example.org>"), nil, "it", "email", "Scrivi un indirizzo e-mail valido", 422},
		{"short description", with("description", "aiuto"), nil, "it", "description", "almeno qualche parola", 422},
		{"unknown category", with("category", "Cucina"), nil, "en", "category", "The value is not valid.", 422},
		{"subject with a newline", with("subject", "a\r\nBcc: x@example.org"), nil, "en", "subject", "The value is not valid.", 422},
		{"attachment too large", validForm("mario.rossi@example.org"), bytes.Repeat([]byte("x"), 65<<10), "it", "attachment", "troppo grande (al massimo 0.1 MB)", 422},
		{"request over the body limit", validForm("mario.rossi@example.org"), bytes.Repeat([]byte("x"), 2<<20), "en", "attachment", "too large", 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := ""
			if tt.file != nil {
				name = "dati.bin"
			}
			code, body, _ := p.postMultipart(c, "/help/request", tt.form, name, tt.file, "Accept-Language", tt.lang)
			if code != tt.wantCode {
				t.Fatalf("= %d, want %d\n%.600s", code, tt.wantCode, body)
			}
			if !strings.Contains(body, `id="`+tt.field+`" `) || !strings.Contains(body, `aria-describedby="`+tt.field+`-error"`) {
				t.Errorf("field %s not marked invalid", tt.field)
			}
			if !strings.Contains(body, tt.message) {
				t.Errorf("message %q missing", tt.message)
			}
			if !strings.Contains(body, `role="alert"`) {
				t.Errorf("no error summary")
			}
			if code == 422 && tt.field != "name" && !strings.Contains(body, `value="Giulia Bianchi"`) {
				t.Errorf("the form should keep what was typed")
			}
		})
	}
	var n int
	if err := p.pool.Get(&n, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d tickets opened by invalid forms", n)
	}
}

func TestFormHoneypotOpensNothing(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	f := validForm("robot@example.org")
	f.Set("website", "http://spam.example")
	code, body, _ := p.postMultipart(p.client(), "/help/request", f, "", nil)
	if code != 200 || !strings.Contains(body, "abbiamo ricevuto la tua richiesta") {
		t.Fatalf("honeypot answer = %d\n%.400s", code, body)
	}
	var n int
	if err := p.pool.Get(&n, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if n != 0 || len(p.mail.sent()) != 0 {
		t.Fatalf("%d tickets, %d mails after a filled honeypot", n, len(p.mail.sent()))
	}
}

func TestFormRateLimits(t *testing.T) {
	t.Parallel()
	p := newPortal(t, func(o *PublicOptions) { o.FormsPerEmail, o.FormsPerAddress = 2, 3 })
	c := p.client()
	post := func(email string) int {
		code, _, _ := p.postMultipart(c, "/help/request", validForm(email), "", nil)
		return code
	}
	for i, tt := range []struct {
		email string
		want  int
	}{
		{"a@example.org", 303}, {"A@example.org", 303}, {"a@example.org", 429}, // per e-mail, case-insensitive
		{"b@example.org", 303}, {"c@example.org", 429}, // per address: the refused one counted nothing, b was the third
	} {
		if got := post(tt.email); got != tt.want {
			t.Fatalf("post %d (%s) = %d, want %d", i, tt.email, got, tt.want)
		}
	}
	en := validForm("d@example.org")
	en.Del("category") // "Stampa" is an Italian topic
	code, body, _ := p.postMultipart(c, "/help/request", en, "", nil, "Accept-Language", "en")
	if code != 429 || !strings.Contains(body, "Too many requests were sent") {
		t.Fatalf("= %d\n%.400s", code, body)
	}
}

func TestFormCrossSitePostRefused(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	code, _, _ := p.postMultipart(p.client(), "/help/request", validForm("x@example.org"), "", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if code != http.StatusForbidden {
		t.Fatalf("cross-site post = %d, want 403", code)
	}
}

func TestFormMailFailureStillOpensTicket(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	p.mail.fail = errors.New("smtp down")
	code, _, h := p.postMultipart(p.client(), "/help/request", validForm("e@example.org"), "", nil)
	if code != 303 || !strings.HasSuffix(h.Get("Location"), "&flash=created-nomail") {
		t.Fatalf("= %d %s", code, h.Get("Location"))
	}
	_, body, _ := p.get(p.client(), h.Get("Location"))
	if !strings.Contains(body, "Non siamo riusciti a mandarti") {
		t.Errorf("the page should say the mail failed")
	}
}

var (
	inputID  = regexp.MustCompile(`<(?:input|textarea|select) id="([^"]+)"(?:[^>]*type="([a-z]+)")?`)
	labelFor = regexp.MustCompile(`<label for="([^"]+)"`)
)

// TestPublicFormsAreLabelled: every field of the public forms has a label
// and the page says its language.
func TestPublicFormsAreLabelled(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	c := p.client()
	for _, path := range []string{"/help/request", "/track/", "/help/chat", "/help/"} {
		for _, lang := range []string{"it", "en"} {
			_, body, _ := p.get(c, path+"?lang="+lang)
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s (%s): no lang attribute", path, lang)
			}
			labels := map[string]bool{}
			for _, m := range labelFor.FindAllStringSubmatch(body, -1) {
				labels[m[1]] = true
			}
			for _, m := range inputID.FindAllStringSubmatch(body, -1) {
				if m[2] != "hidden" && !labels[m[1]] {
					t.Errorf("%s (%s): field %q has no label", path, lang, m[1])
				}
			}
		}
	}
}
