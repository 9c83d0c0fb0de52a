// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/mail/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseRecordedMails decodes each recorded mail and checks what the
// engine would get: sender, subject, ids, the text (charsets decoded,
// HTML turned into text, quoted history cut on replies), attachments, and
// whether it is an automatic mail that must not be answered.
func TestParseRecordedMails(t *testing.T) {
	tests := []struct {
		file        string
		fromName    string
		fromAddress string
		subject     string
		messageID   string
		inReplyTo   string
		lang        string
		text        []string // must appear in the text the engine gets
		notText     []string // must not
		attachments []string // file names
		auto        bool
	}{
		{file: "outlook.eml", fromName: "Rossi Maria", fromAddress: "m.rossi@ambulatorio.example",
			subject:   "Ricette elettroniche: errore all'avvio",
			messageID: "AM6PR07MB4567A1B2C3D4E5F6A7B8C9D0E1F2A@AM6PR07MB4567.eurprd07.prod.outlook.com", lang: "it",
			text:        []string{"Buongiorno,", "\"Errore 0x80070005 – accesso negato\"", "Abbiamo già provato a riavviare il PC."},
			notText:     []string{"MsoNormal", "font-family"},
			attachments: []string{"winmail.dat"}},
		{file: "gmail.eml", fromName: "John Smith", fromAddress: "john.smith.clinic@gmail.example",
			subject: "Re: [HD-2026-000042] Card reader not working", messageID: "CAJx8Vq3h+YmK0b2=9wQ@mail.gmail.example",
			inReplyTo: "hd.6f75743a633132@asl.example",
			text:      []string{"the card reader now works on the first PC but not on the second one.", "John"},
			notText:   []string{"wrote:", "We have received your request", ">"}},
		{file: "thunderbird.eml", fromName: "Luca Bianchi", fromAddress: "luca@studio-bianchi.example",
			subject: "Stampante referti: errore allegato", messageID: "5e0c2b1a-77d4-4c1e-9a0b-3f1d2c4b5a69@studio-bianchi.example", lang: "it",
			text:        []string{"la stampante dei referti stampa solo pagine bianche.", "Studio medico Bianchi"},
			attachments: []string{"rapporto errore stampa è.pdf", "schermata.png"}},
		{file: "latin1.eml", fromName: "Segreteria Comune di Cantù", fromAddress: "segreteria@comune-esempio.example",
			subject: "Non riesco ad accedere perché la password è scaduta", messageID: "20261124110000.A1B2C3@mail.comune-esempio.example",
			text: []string{"non riesco più ad accedere al portale perché la password è scaduta", "Città: Cantù."}},
		{file: "cp1252.eml", fromName: "Anna Verdi", fromAddress: "anna.verdi@farmacia.example",
			subject: "Fattura duplicata – canone €150", messageID: "000a01dc3f2b$8e1c2d40$aa548fc0$@farmacia.example",
			text: []string{"il canone di €150 risulta addebitato due volte: l’ultima fattura “n. 2026/118” è duplicata."}},
		{file: "htmlonly.eml", fromName: "Ufficio Tecnico", fromAddress: "ufficio@scuola.example",
			subject: "Rete Wi-Fi lenta in aula 3", messageID: "webmail.998877@scuola.example",
			text:    []string{"in aula 3 la rete è lentissima:", "- download sotto 1 Mbit/s", "- disconnessioni ogni 10 minuti", "portale interno (https://intranet.scuola.example/rete)"},
			notText: []string{"alert", "color:red", "preheader"}},
		{file: "bounce.eml", fromName: "Mail Delivery System", fromAddress: "MAILER-DAEMON@mx.asl.example", subject: "Undelivered Mail Returned to Sender",
			messageID: "20261124090509.4Bq2nX1@mx.asl.example", attachments: []string{"attachment.eml"}, auto: true},
		{file: "autoreply.eml", fromName: "Rossi Maria", fromAddress: "m.rossi@ambulatorio.example",
			subject:   "Risposta automatica: [HD-2026-000042] Ricette elettroniche: errore all'avvio",
			messageID: "2b7f6e3a0c9d4e1f8a7b6c5d4e3f2a1b@AM6PR07MB4567.eurprd07.prod.outlook.com", inReplyTo: "hd.6f75743a633132@asl.example",
			lang: "it", text: []string{"Sarò fuori ufficio"}, auto: true},
	}
	a := newTestAdapter(t, Config{}, nil)
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			raw := readFixture(t, tc.file)
			m, err := parseMail(bytes.NewReader(raw), 1<<20, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if m.FromName != tc.fromName || m.FromAddress != tc.fromAddress {
				t.Errorf("from = %q <%s>, want %q <%s>", m.FromName, m.FromAddress, tc.fromName, tc.fromAddress)
			}
			if m.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tc.subject)
			}
			if m.MessageID != tc.messageID {
				t.Errorf("message id = %q, want %q", m.MessageID, tc.messageID)
			}
			if tc.inReplyTo != "" && (len(m.InReplyTo) != 1 || m.InReplyTo[0] != tc.inReplyTo) {
				t.Errorf("in-reply-to = %q, want %q", m.InReplyTo, tc.inReplyTo)
			}
			if m.Lang != tc.lang {
				t.Errorf("lang = %q, want %q", m.Lang, tc.lang)
			}
			reason := automatic(m, "helpdesk@asl.example")
			if (reason != "") != tc.auto {
				t.Errorf("automatic = %q, want automatic %v", reason, tc.auto)
			}
			got := a.toBotsMail(m)
			for _, s := range tc.text {
				if !strings.Contains(got.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, got.Text)
				}
			}
			for _, s := range tc.notText {
				if strings.Contains(got.Text, s) {
					t.Errorf("text has %q:\n%s", s, got.Text)
				}
			}
			var names []string
			for _, at := range m.Attachments {
				names = append(names, at.Filename)
				sum := sha256.Sum256(at.Data)
				if at.SHA256 != hex.EncodeToString(sum[:]) || len(at.Data) == 0 {
					t.Errorf("attachment %s: sha %s over %d bytes", at.Filename, at.SHA256, len(at.Data))
				}
			}
			if strings.Join(names, "|") != strings.Join(tc.attachments, "|") {
				t.Errorf("attachments = %q, want %q", names, tc.attachments)
			}
		})
	}
}

// TestOwnMessageIDsMapBack: a reply to one of our mails references our
// Message-ID; the engine gets the reply's own id back too, which it
// stored when it sent it.
func TestOwnMessageIDsMapBack(t *testing.T) {
	a := newTestAdapter(t, Config{}, nil)
	ext := "out:c12:0123456789abcdef:1"
	id := a.messageIDFor(ext)
	if strings.ContainsAny(id, ": <>") || !strings.HasSuffix(id, "@asl.example") {
		t.Fatalf("message id %q is not a valid id", id)
	}
	if got := a.externalIDOf(id); got != ext {
		t.Fatalf("externalIDOf(%q) = %q, want %q", id, got, ext)
	}
	for _, other := range []string{"hd.zz@asl.example", "hd.6f7574@other.example", "abc@asl.example", "noat"} {
		if got := a.externalIDOf(other); got != "" {
			t.Errorf("externalIDOf(%q) = %q, want nothing", other, got)
		}
	}
	m, err := parseMail(bytes.NewReader(readFixture(t, "gmail.eml")), 1<<20, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	refs := a.toBotsMail(m).References
	want := []string{"hd.6f75743a633132@asl.example", "out:c12", "7f3a9c@asl.example"}
	if strings.Join(refs, " ") != strings.Join(want, " ") {
		t.Fatalf("references = %q, want %q", refs, want)
	}
}

// TestParseLimits: attachments over the limit are left out, a mail over
// the read limit is cut, and nothing unbounded is kept.
func TestParseLimits(t *testing.T) {
	raw := readFixture(t, "thunderbird.eml")
	m, err := parseMail(bytes.NewReader(raw), 1<<20, 70) // the PDF is bigger than 70 bytes, the PNG smaller
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "schermata.png" || len(m.Skipped) != 1 {
		t.Fatalf("attachments %+v, skipped %q", m.Attachments, m.Skipped)
	}
	m, err = parseMail(bytes.NewReader(raw), 700, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Truncated || m.Subject != "Stampante referti: errore allegato" || len(m.Attachments) != 0 {
		t.Fatalf("truncated %v subject %q attachments %d", m.Truncated, m.Subject, len(m.Attachments))
	}
	if _, err := parseMail(strings.NewReader(""), 1<<20, 1<<20); err != nil {
		t.Logf("empty input: %v", err) // an error or an empty mail are both fine; no panic
	}
}
