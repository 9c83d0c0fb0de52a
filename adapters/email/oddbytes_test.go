// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"strings"
	"testing"
)

// TestOddBytesAnswered: a mail whose subject, sender name and body carry a
// NUL and bytes that are not UTF-8 (declared utf-8 all the same) opens a
// ticket with the text cleaned and is acknowledged, instead of being
// refused by the store and retried for ever.
func TestOddBytesAnswered(t *testing.T) {
	x := newE2E(t, tuesdayMorning)
	raw := strings.ReplaceAll("From: Ross\xffi Maria <m.rossi@ambulatorio.example>\n"+
		"To: Help desk ASL <helpdesk@asl.example>\n"+
		"Subject: Ricette\x00 elettroniche non partono \xe8\n"+
		"Date: Tue, 24 Nov 2026 10:00:00 +0000\n"+
		"Message-ID: <odd-1@ambulatorio.example>\n"+
		"Content-Type: text/plain; charset=\"utf-8\"\n"+
		"Content-Transfer-Encoding: 8bit\n"+
		"MIME-Version: 1.0\n\n"+
		"Da stamattina\x00 le ricette elettroniche non partono pi\xf9: il programma dà errore.\n", "\n", "\r\n")
	x.deliver([]byte(raw))
	mails := x.mails(1)
	if !numberRe.Match(mails[0].Data) {
		t.Fatalf("acknowledgement without a ticket number:\n%s", mails[0].Data)
	}
	var subject, body string
	if err := x.pool.QueryRow(`SELECT t.subject, m.body FROM tickets t JOIN messages m ON m.conversation_id = t.conversation_id
		WHERE m.direction = 'in'`).Scan(&subject, &body); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(subject+body, 0) || !strings.Contains(body, "Da stamattina le ricette") || !strings.Contains(body, "pi\uFFFD") {
		t.Fatalf("recorded subject %q body %q", subject, body)
	}
}
