// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/tickets"
)

var contactDoneLocation = regexp.MustCompile(`^/console/contacts/(\d+)\?mail=(\w+)$`)

// newContactConsole is a console whose confirmations go to a recorder.
func newContactConsole(t *testing.T) (*testConsole, *mailRecorder) {
	t.Helper()
	rec := &mailRecorder{}
	tc := newTestConsole(t, func(o *Options) {
		o.Public.Mailer = rec
		o.BaseURL = "http://hd.test"
	})
	return tc, rec
}

func TestContactPhoneCallOpensTicketAndMailsTrackingLink(t *testing.T) {
	t.Parallel()
	tc, rec := newContactConsole(t)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")

	code, body, _ := c.get("/console/contacts/new?lang=en")
	if code != 200 || !strings.Contains(body, `id="contact-lookup"`) || !strings.Contains(body, "autofocus") {
		t.Fatalf("contact page %d:\n%.600s", code, body)
	}
	form := url.Values{"name": {"Mario Rossi"}, "email": {"Mario.Rossi@asl.example.it"}, "phone": {"06 1234 5678"},
		"lang": {"it"}, "channel": {"phone"}, "product": {"Ricetta elettronica"},
		"description": {"Non riesco a inviare le ricette elettroniche\nDa stamattina l'invio dà errore su tutte le ricette."},
		"urgency":     {"high"}, "impact": {"low"}}
	code, body, h := c.post("/console/contacts/new", form)
	m := contactDoneLocation.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil || m[2] != "sent" {
		t.Fatalf("submit %d to %q:\n%.600s", code, h.Get("Location"), body)
	}
	var tk struct {
		Number   string `db:"number"`
		Origin   string `db:"origin_channel"`
		Subject  string `db:"subject"`
		Product  string `db:"product"`
		Urgency  string `db:"urgency"`
		Impact   string `db:"impact"`
		Priority string `db:"priority"`
		Email    string `db:"email"`
		Name     string `db:"name"`
		ConvChan string `db:"channel"`
		State    string `db:"state"`
	}
	if err := tc.pool.Get(&tk, `SELECT t.number, t.origin_channel, t.subject, t.product, t.urgency, t.impact, t.priority,
		r.email, r.name, c.channel, c.state
		FROM tickets t JOIN requesters r ON r.id = t.requester_id JOIN conversations c ON c.id = t.conversation_id WHERE t.id = $1`, m[1]); err != nil {
		t.Fatal(err)
	}
	want := "phone|Non riesco a inviare le ricette elettroniche|Ricetta elettronica|high|low|P2|Mario.Rossi@asl.example.it|Mario Rossi|email|queued"
	if got := strings.Join([]string{tk.Origin, tk.Subject, tk.Product, tk.Urgency, tk.Impact, tk.Priority, tk.Email, tk.Name, tk.ConvChan, tk.State}, "|"); got != want {
		t.Fatalf("ticket\n got %s\nwant %s", got, want)
	}
	var actor string
	if err := tc.pool.Get(&actor, `SELECT actor FROM ticket_events WHERE ticket_id = $1 AND kind = 'created'`, m[1]); err != nil {
		t.Fatal(err)
	}
	if actor != "user:anna" {
		t.Errorf("created by %q, want the agent", actor)
	}
	var phones int
	if err := tc.pool.Get(&phones, `SELECT count(*) FROM requester_identities WHERE channel = 'phone' AND external_id = '0612345678'`); err != nil {
		t.Fatal(err)
	}
	if phones != 1 {
		t.Errorf("telephone identity not recorded (normalised)")
	}

	// The same confirmation as the web form: number and tracking link.
	out := rec.waitFor(t, "mario.rossi@asl.example.it")
	if len(out.Reply.Links) != 1 || !strings.HasPrefix(out.Reply.Links[0].URL, "http://hd.test/track/"+tk.Number+"?t=") ||
		!strings.Contains(out.Reply.Text, tk.Number) {
		t.Fatalf("confirmation %+v", out)
	}

	// The answer page: the number, large, and when the first answer is due.
	code, body, _ = c.get(h.Get("Location") + "&lang=en")
	for _, want := range []string{`id="contact-number">` + tk.Number, `id="contact-first-response"`, "P2", "sent to Mario.Rossi@asl.example.it"} {
		if !strings.Contains(body, want) {
			t.Errorf("answer page (%d) lacks %q", code, want)
		}
	}
}

func TestContactWithoutEmailAndLookup(t *testing.T) {
	t.Parallel()
	tc, rec := newContactConsole(t)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")

	// A caller with a telephone number only: a ticket, no conversation,
	// no mail; the page says so.
	code, _, h := c.post("/console/contacts/new", url.Values{"name": {"Luisa Verdi"}, "phone": {"+39 333 123 4567"},
		"channel": {"in_person"}, "description": {"La stampante del terzo piano non stampa più nulla."}})
	m := contactDoneLocation.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil || m[2] != "noaddress" {
		t.Fatalf("submit %d to %q", code, h.Get("Location"))
	}
	var conv *int64
	var urgency string
	if err := tc.pool.QueryRow(`SELECT conversation_id, urgency FROM tickets WHERE id = $1`, m[1]).Scan(&conv, &urgency); err != nil {
		t.Fatal(err)
	}
	if conv != nil || urgency == "" {
		t.Errorf("phone-only ticket: conversation %v, urgency %q (left empty: the model decides)", conv, urgency)
	}
	if len(rec.sent()) != 0 {
		t.Errorf("mailed someone without an address: %+v", rec.sent())
	}

	// The lookup finds her by any part of the number, or by name.
	for _, q := range []string{"3331234567", "333 123 4567", "verdi", "Luisa"} {
		code, body, _ := c.get("/console/contacts/requesters?q=" + url.QueryEscape(q))
		var got struct {
			Requesters []struct {
				Name        string `json:"name"`
				Phone       string `json:"phone"`
				OpenTickets int    `json:"open_tickets"`
			} `json:"requesters"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 {
			t.Fatalf("lookup %q: %d %v", q, code, err)
		}
		if len(got.Requesters) != 1 || got.Requesters[0].Name != "Luisa Verdi" || got.Requesters[0].OpenTickets != 1 ||
			got.Requesters[0].Phone != "+393331234567" {
			t.Errorf("lookup %q: %+v", q, got.Requesters)
		}
	}
	// A LIKE wildcard typed in the box is a character, not a pattern.
	_, body, _ := c.get("/console/contacts/requesters?q=%25%25")
	if !strings.Contains(body, `"requesters":[]`) {
		t.Errorf("wildcards matched: %s", body)
	}

	// A second call from her, picked in the lookup, now with an e-mail:
	// the same requester, who gets the confirmation.
	var rid string
	if err := tc.pool.Get(&rid, `SELECT requester_id::text FROM tickets WHERE id = $1`, m[1]); err != nil {
		t.Fatal(err)
	}
	code, _, h = c.post("/console/contacts/new", url.Values{"requester_id": {rid}, "email": {"luisa.verdi@comune.example.it"},
		"channel": {"phone"}, "description": {"Ancora la stampante: ora stampa pagine bianche."}, "urgency": {"low"}, "impact": {"low"}})
	m2 := contactDoneLocation.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m2 == nil || m2[2] != "sent" {
		t.Fatalf("second submit %d to %q", code, h.Get("Location"))
	}
	var rid2, email string
	if err := tc.pool.QueryRow(`SELECT t.requester_id::text, r.email FROM tickets t JOIN requesters r ON r.id = t.requester_id WHERE t.id = $1`, m2[1]).Scan(&rid2, &email); err != nil {
		t.Fatal(err)
	}
	if rid2 != rid || email != "luisa.verdi@comune.example.it" {
		t.Errorf("second ticket: requester %s (want %s), e-mail %q", rid2, rid, email)
	}
	rec.waitFor(t, "luisa.verdi@comune.example.it")
}

func TestContactFormErrors(t *testing.T) {
	t.Parallel()
	tc, _ := newContactConsole(t)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	tests := []struct {
		name  string
		form  url.Values
		field string // the id whose field is marked
	}{
		{"no requester", url.Values{"channel": {"phone"}, "description": {"Il monitor non si accende più."}}, "contact-lookup"},
		{"new requester without a name", url.Values{"email": {"a@b.example.it"}, "channel": {"phone"}, "description": {"Il monitor non si accende più."}}, "contact-name"},
		{"bad telephone", url.Values{"name": {"A"}, "phone": {"06 12ab"}, "channel": {"phone"}, "description": {"Il monitor non si accende più."}}, "contact-phone"},
		{"unknown channel", url.Values{"name": {"A"}, "phone": {"061234567"}, "channel": {"pigeon"}, "description": {"Il monitor non si accende più."}}, "contact-channel"},
		{"short description", url.Values{"name": {"A"}, "phone": {"061234567"}, "channel": {"fax"}, "description": {"rotto"}}, "contact-desc"},
		{"unknown requester id", url.Values{"requester_id": {"999999"}, "channel": {"fax"}, "description": {"Il monitor non si accende più."}}, "contact-lookup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := c.post("/console/contacts/new?lang=en", tt.form)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "The contact was not recorded") {
				t.Fatalf("%d:\n%.500s", code, body)
			}
			if tt.field != "contact-channel" && !regexp.MustCompile(`id="`+tt.field+`"[^>]*aria-invalid="true"`).MatchString(body) {
				t.Errorf("field %s not marked", tt.field)
			}
		})
	}
	var n int
	if err := tc.pool.Get(&n, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d tickets opened by invalid forms", n)
	}
}

func TestContactSeveritySuggestion(t *testing.T) {
	t.Parallel()
	tc, _ := newContactConsole(t)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	tests := []struct {
		name, text, lang, wantLabel string
		high                        bool // urgency or impact must be high
	}{
		{"everyone stopped", "Nessuno in ufficio riesce a lavorare: il gestionale è bloccato per tutti", "it", "Suggerita dal modello", true},
		{"one question", "Vorrei sapere come cambiare la firma delle e-mail", "it", "Suggerita dal modello", false},
		{"english page", "Nobody in the ward can work: the clinical record system is down for everyone", "en", "Suggested by the model", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := c.post("/console/contacts/severity?lang="+tt.lang, url.Values{"description": {tt.text}, "lang": {tt.lang}})
			var s struct {
				Urgency  tickets.Level    `json:"urgency"`
				Impact   tickets.Level    `json:"impact"`
				Priority tickets.Priority `json:"priority"`
				Label    string           `json:"label"`
			}
			if err := json.Unmarshal([]byte(body), &s); err != nil || code != 200 {
				t.Fatalf("%d %v: %s", code, err, body)
			}
			if !s.Urgency.Valid() || !s.Impact.Valid() || s.Priority != tc.tickets.Matrix().Priority(s.Urgency, s.Impact) ||
				!strings.HasPrefix(s.Label, tt.wantLabel) {
				t.Fatalf("suggestion %+v", s)
			}
			if high := s.Urgency == "high" || s.Impact == "high"; high != tt.high {
				t.Errorf("urgency %s impact %s, want high=%v", s.Urgency, s.Impact, tt.high)
			}
		})
	}
}
