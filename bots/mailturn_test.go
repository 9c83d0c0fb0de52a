// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// mailKinds names each reply by the catalogue text it was made from (the
// longest fixed beginning of an Italian text that it starts with) and its
// buttons' actions: what a reply says, whatever the ticket number, the
// queue position or the channel's wording ("stay in this chat" on a chat,
// "we will answer by e-mail" on e-mail).
func mailKinds(rs []Outbound) []string {
	// Whether the promised time has passed depends on each ticket's
	// priority, not on the channel.
	same := map[string]string{"mail.queued": "queued.wait", "mail.queued.late": "queued.wait", "queued.wait.late": "queued.wait"}
	var out []string
	for _, r := range rs {
		kind, best := "?", 0
		for key, texts := range botText {
			fixed, _, _ := strings.Cut(texts["it"], "%")
			if len(fixed) >= 6 && len(fixed) > best && strings.HasPrefix(r.Reply.Text, fixed) {
				kind, best = key, len(fixed)
			}
		}
		if s, ok := same[kind]; ok {
			kind = s
		}
		for _, b := range r.Reply.Buttons {
			kind += " [" + ActionOf(b.Action) + "]"
		}
		out = append(out, kind)
	}
	return out
}

// TestMailAnswersLikeChat: a reply by e-mail in a thread whose ticket is
// queued, or held by an agent, gets the answer a chat message gets in the
// same state — the ticket's status for "stato", the queue line for
// "voglio un operatore", the cancel question for "annulla", details added
// for a description, silence (the agent's) while held except for status.
func TestMailAnswersLikeChat(t *testing.T) {
	h := newHarness(t)
	h.engine.RegisterSender(ChannelEmail, h.mem)
	ctx := context.Background()
	marco := h.agentNamed("marco")
	inputs := []string{"ciao", "la VPN non si connette", "grazie", "stato", "stato {number}", "voglio un operatore",
		"vorrei aprire una segnalazione", "annulla", "boh", "ho provato anche a riavviare il computer ma niente"}
	n := 0
	for _, state := range []ConversationState{StateQueued, StateAgent} {
		for _, msg := range inputs {
			n++
			t.Run(fmt.Sprintf("%s/%s", state, msg), func(t *testing.T) {
				h.t = t
				// The chat.
				user, key := fmt.Sprintf("u-m%d", n), fmt.Sprintf("m%d", n)
				conv := h.queued(user, key)
				chatTk, err := h.tickets.Get(ctx, h.db, *conv.TicketID)
				if err != nil {
					t.Fatal(err)
				}
				// The mail thread.
				addr, root := fmt.Sprintf("rossi%d@studio.example", n), fmt.Sprintf("root%d@mail.example", n)
				opened, err := h.engine.HandleMail(ctx, Mail{MessageID: root, FromAddress: addr, Subject: "Il gestionale si blocca",
					Text: "Da stamattina il gestionale delle ricette si blocca quando stampo il promemoria."})
				if err != nil || !opened.Created {
					t.Fatalf("first mail: %+v, %v", opened, err)
				}
				var mailConv int64
				if err := h.db.Get(&mailConv, `SELECT id FROM conversations WHERE channel = 'email' AND conversation_key = $1`, MailKey(addr, root)); err != nil {
					t.Fatal(err)
				}
				if state == StateAgent {
					for _, id := range []int64{conv.ID, mailConv} {
						if err := h.engine.Take(ctx, id, marco); err != nil {
							t.Fatal(err)
						}
					}
				}
				chatRes, _ := h.say(user, key, strings.ReplaceAll(msg, "{number}", chatTk.Number))
				mailRes, err := h.engine.HandleMail(ctx, Mail{MessageID: fmt.Sprintf("re%d@mail.example", n), References: []string{root},
					FromAddress: addr, Subject: "Re: [" + opened.TicketNumber + "] Il gestionale si blocca",
					Text: strings.ReplaceAll(msg, "{number}", opened.TicketNumber) + "\n\nMaria Rossi"})
				if err != nil {
					t.Fatal(err)
				}
				chat, mail := mailKinds(chatRes.Replies), mailKinds(mailRes.Replies)
				if strings.Join(chat, "\n") != strings.Join(mail, "\n") {
					t.Fatalf("chat answered %q, e-mail %q", chat, mail)
				}
				if state == StateQueued && len(mail) == 0 {
					t.Fatal("a mail while queued got no answer")
				}
				// What the agent reads on the ticket: the mail while they
				// hold the conversation, details while it is queued.
				tk, err := h.tickets.GetByNumber(ctx, h.db, opened.TicketNumber)
				if err != nil {
					t.Fatal(err)
				}
				cs, err := h.tickets.Comments(ctx, h.db, tk.ID, false)
				if err != nil {
					t.Fatal(err)
				}
				status := strings.HasPrefix(msg, "stato")
				wantComment := (state == StateAgent && !status) || (state == StateQueued && strings.Contains(strings.Join(mail, " "), "queued.added"))
				if got := len(cs) == 1; got != wantComment {
					t.Fatalf("comments %+v, want one: %v", cs, wantComment)
				}
			})
		}
	}
}

func TestMailCore(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"signed request", "voglio un operatore\n\nMaria Rossi", "voglio un operatore"},
		{"greeting and closing", "Buongiorno,\n\nstato HD-2026-000001\n\nCordiali saluti,\nDott. Bianchi\nStudio medico", "stato HD-2026-000001"},
		{"one paragraph", "la stampante non stampa", "la stampante non stampa"},
		{"a last paragraph with a question stays", "ho riavviato\n\ne adesso?", "ho riavviato\n\ne adesso?"},
		{"a last paragraph with a number stays", "il codice di errore è\n\n0x80070005", "il codice di errore è\n\n0x80070005"},
		{"a long last line stays", "ho provato\n\npoi ho reinstallato il driver del lettore", "ho provato\n\npoi ho reinstallato il driver del lettore"},
		{"only a salutation", "Buongiorno,", "Buongiorno,"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := mailCore(c.in); got != c.want {
				t.Errorf("mailCore(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
