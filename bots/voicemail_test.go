// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"testing"
	"time"

	"helpdesk/tickets"
)

// TestVoicemailBecomesCallBackTicket: the golden path of an out-of-hours
// voicemail (Friday evening) from a known number, through the queue, to
// the call-back: a phone ticket marked call back, the audio attached,
// first in level 1's queue although an urgent chat came earlier, and not
// a word sent anywhere.
func TestVoicemailBecomesCallBackTicket(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	rome, _ := time.LoadLocation("Europe/Rome")
	h.now = time.Date(2027, 3, 5, 21, 5, 0, 0, rome) // Friday evening: the default desk (08–20) is closed
	// A known requester whose telephone the console recorded without the
	// country prefix; the PBX writes it with +39.
	knownID, err := h.tickets.EnsureRequester(ctx, h.db, tickets.Identity{Channel: tickets.PhoneChannel, ExternalID: "0612345679", Name: "Mario Rossi"})
	if err != nil {
		t.Fatal(err)
	}
	// An urgent mail queued first.
	mail, err := h.engine.HandleMail(ctx, Mail{MessageID: "urgent@x", FromAddress: "anna@asl.example.org", Subject: "Il sistema dei ricoveri è bloccato per tutto il reparto, urgente",
		Text: "Nessuno riesce a registrare i ricoveri, tutto il reparto è fermo."})
	if err != nil || !mail.Created {
		t.Fatalf("%+v %v", mail, err)
	}
	h.now = h.now.Add(10 * time.Minute)
	sentBefore := h.mem.Total()
	audio := MailAttachment{Filename: "msg0000.WAV", ContentType: "audio/wav", Size: 844, SHA256: "ab12", StorageKey: "ab/ab12"}
	vm := Voicemail{MessageID: "Asterisk-1-99120-200-812@pbx", FromAddress: "vm@pbx.asl.example.org", Caller: "+39 06 1234 5679",
		CallerName: "Rossi Mario", Mailbox: "200", Subject: "[PBX]: New message 1 in mailbox 200", Text: "left from \"Rossi Mario\" <+39 06 1234 5679>",
		Lang: "it", Attachments: []MailAttachment{audio}}
	res, err := h.engine.HandleVoicemail(ctx, vm)
	if err != nil {
		t.Fatal(err)
	}
	if !res.KnownCaller || res.RequesterID != knownID || res.Duplicate {
		t.Fatalf("%+v; want the known requester %d", res, knownID)
	}
	tk, err := h.tickets.GetByNumber(ctx, h.db, res.TicketNumber)
	if err != nil {
		t.Fatal(err)
	}
	if tk.OriginChannel != ChannelPhone || !tk.CallBack || tk.Level != 1 || tk.RequesterID == nil || *tk.RequesterID != knownID ||
		tk.Subject != "Messaggio in segreteria da Rossi Mario +390612345679: richiamare" {
		t.Fatalf("ticket %+v", tk)
	}
	atts, err := h.tickets.Attachments(ctx, h.db, tk.ID)
	if err != nil || len(atts) != 1 || atts[0].ContentType != "audio/wav" || atts[0].StorageKey != "ab/ab12" {
		t.Fatalf("attachments %+v %v", atts, err)
	}
	queue, err := h.engine.Queue(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 2 || queue[0].TicketNumber != tk.Number || queue[1].TicketNumber != mail.TicketNumber {
		t.Fatalf("queue %+v; want the call-back first, then the urgent mail", queue)
	}
	var out int
	if err := h.db.Get(&out, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'out'`, queue[0].ID); err != nil {
		t.Fatal(err)
	}
	if out != 0 || h.mem.Total() != sentBefore {
		t.Fatalf("%d replies recorded, %d sent; want none to the PBX", out, h.mem.Total()-sentBefore)
	}
	// The same mail read again opens nothing.
	again, err := h.engine.HandleVoicemail(ctx, vm)
	if err != nil || !again.Duplicate {
		t.Fatalf("again: %+v %v", again, err)
	}
	var n int
	if err := h.db.Get(&n, `SELECT count(*) FROM tickets WHERE call_back`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d call-back tickets after a duplicate, want 1", n)
	}
}

func TestVoicemailUnknownAndWithheldNumbers(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	res, err := h.engine.HandleVoicemail(ctx, Voicemail{MessageID: "vm-new@pbx", Caller: "0698765432", CallerName: "Bianchi Laura", Lang: "en"})
	if err != nil || res.KnownCaller || res.RequesterID == 0 {
		t.Fatalf("%+v %v; want a new requester", res, err)
	}
	// The new requester is now known by that telephone.
	r, known, err := h.tickets.RequesterByPhone(ctx, h.db, "06 9876 5432", "")
	if err != nil || !known || r.ID != res.RequesterID || r.Name != "Bianchi Laura" {
		t.Fatalf("%+v %v %v", r, known, err)
	}
	anon, err := h.engine.HandleVoicemail(ctx, Voicemail{MessageID: "vm-anon@pbx", Caller: "", Lang: "en", Text: "from an unknown caller"})
	if err != nil || anon.RequesterID != 0 {
		t.Fatalf("%+v %v", anon, err)
	}
	tk, err := h.tickets.GetByNumber(ctx, h.db, anon.TicketNumber)
	if err != nil {
		t.Fatal(err)
	}
	if tk.RequesterID != nil || !tk.CallBack || tk.Subject != "Voicemail from a withheld number" {
		t.Fatalf("%+v", tk)
	}
	if _, err := h.engine.HandleVoicemail(ctx, Voicemail{Caller: "0612345678"}); err == nil {
		t.Fatal("a voicemail without Message-ID accepted")
	}
}

func TestVoicemailTextComplete(t *testing.T) {
	if problems := voicemailText.Check(); len(problems) > 0 {
		t.Fatal(problems)
	}
}
