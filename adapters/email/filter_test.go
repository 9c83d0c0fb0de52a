package email

import (
	"strings"
	"testing"
)

// mailWith builds a plain mail from a person, plus the given header lines.
func mailWith(headers string, from, subject string) string {
	return "From: " + from + "\r\nTo: helpdesk@asl.example\r\nSubject: " + subject +
		"\r\nMessage-ID: <x1@example.org>\r\n" + headers + "Content-Type: text/plain; charset=utf-8\r\n\r\nTesto.\r\n"
}

func TestAutomatic(t *testing.T) {
	person := "Mario Bianchi <mario@example.org>"
	tests := []struct {
		name    string
		raw     string
		auto    bool
		because string
	}{
		{"person", mailWith("", person, "Stampante guasta"), false, ""},
		{"person with Auto-Submitted: no", mailWith("Auto-Submitted: no\r\n", person, "Stampante guasta"), false, ""},
		{"person with Return-Path", mailWith("Return-Path: <mario@example.org>\r\n", person, "Stampante guasta"), false, ""},
		{"person whose subject mentions the office", mailWith("", person, "Fuori sede: la VPN non si collega"), false, ""},
		{"Auto-Submitted auto-replied", mailWith("Auto-Submitted: auto-replied\r\n", person, "Re: x"), true, "Auto-Submitted"},
		{"Auto-Submitted auto-generated", mailWith("Auto-Submitted: auto-generated\r\n", person, "Report"), true, "Auto-Submitted"},
		{"Precedence bulk", mailWith("Precedence: bulk\r\n", person, "Newsletter"), true, "Precedence"},
		{"Precedence junk", mailWith("Precedence: junk\r\n", person, "x"), true, "Precedence"},
		{"Precedence list", mailWith("Precedence: list\r\n", person, "x"), true, "Precedence"},
		{"X-Autoreply", mailWith("X-Autoreply: yes\r\n", person, "Assente"), true, "X-Autoreply"},
		{"X-Autorespond", mailWith("X-Autorespond: yes\r\n", person, "Assente"), true, "X-Autorespond"},
		{"empty Return-Path", mailWith("Return-Path: <>\r\n", person, "x"), true, "Return-Path"},
		{"MAILER-DAEMON", mailWith("", "MAILER-DAEMON@mx.example.org", "Failure notice"), true, "mailer-daemon"},
		{"postmaster", mailWith("", "Postmaster <postmaster@example.org>", "Delivery report"), true, "postmaster"},
		{"our own address", mailWith("", "Help desk <HelpDesk@asl.example>", "Re: x"), true, "own address"},
		{"subject only: Outlook auto reply", mailWith("", person, "Automatic reply: [HD-2026-000001] x"), true, "subject"},
		{"subject only: Italian", mailWith("", person, "Risposta automatica: x"), true, "subject"},
		{"subject only: undeliverable", mailWith("", person, "Non recapitabile: x"), true, "subject"},
		{"read receipt", "From: " + person + "\r\nSubject: Letto: x\r\nMessage-ID: <r@x>\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nletto\r\n--b\r\nContent-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n", true, "report"},
		{"delivery-status inside a mixed mail", "From: " + person + "\r\nSubject: x\r\nMessage-ID: <r@x>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--b--\r\n", true, "report"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := parseMail(strings.NewReader(tc.raw), 1<<20, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			got := automatic(m, "helpdesk@asl.example")
			if (got != "") != tc.auto || !strings.Contains(strings.ToLower(got), strings.ToLower(tc.because)) {
				t.Fatalf("automatic = %q, want auto=%v because %q", got, tc.auto, tc.because)
			}
		})
	}
}

func TestStripQuoted(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"gmail english", "Works now.\n\nOn Tue, Nov 24, 2026 at 10:05 AM Help desk <h@x> wrote:\n> old text\n", "Works now."},
		{"gmail folded", "Works now.\n\nOn Tue, Nov 24, 2026 at 10:05 AM Help desk <h@x>\nwrote:\n> old\n", "Works now."},
		{"gmail italian", "Funziona.\n\nIl giorno mar 24 nov 2026 alle ore 10:05 Help desk <h@x> ha scritto:\n> vecchio\n", "Funziona."},
		{"thunderbird italian", "Grazie.\n\nIl 24/11/2026 10:05, Help desk ha scritto:\n> vecchio\n", "Grazie."},
		{"outlook italian", "Va bene.\n\nDa: Help desk <h@x>\nInviato: martedì 24 novembre 2026 10:05\nA: Maria\nOggetto: R: x\n\nvecchio", "Va bene."},
		{"outlook english with rule", "OK.\n\n________________________________\nFrom: Help desk\nSent: Tuesday\nSubject: x\n\nold", "OK."},
		{"original message", "Sì.\n\n-----Messaggio originale-----\nDa: x\n", "Sì."},
		{"signature", "Ecco.\n\n-- \nMario Rossi\nTel. 123", "Ecco."},
		{"a line starting with From: in the text is kept", "From: the second floor, the printer is offline.\nPlease check.", "From: the second floor, the printer is offline.\nPlease check."},
		{"inline answers only: kept whole", "> domanda?\n> altra?", "> domanda?\n> altra?"},
		{"outlook html reply", normalizeText(htmlToText(`<div>Ok, grazie.</div><hr><div id="divRplyFwdMsg"><b>Da:</b> Help desk<br><b>Inviato:</b> martedì</div><div>vecchio testo</div>`)), "Ok, grazie."},
		{"interleaved quote lines dropped", "> domanda?\nrisposta\n> altra?\naltra risposta", "risposta\naltra risposta"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripQuoted(tc.in); got != tc.want {
				t.Fatalf("stripQuoted = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs and breaks", "<p>Uno</p><p>Due<br>Tre</p>", "Uno\nDue\nTre"},
		{"entities", "<p>perch&eacute; &amp; &#8220;cos&igrave;&#8221;&nbsp;!</p>", "perché & “così” !"},
		{"lists", "<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
		{"links keep the address", `<a href="https://x.example/p">pagina</a>`, "pagina (https://x.example/p)"},
		{"links whose text is the address", `<a href="https://x.example/p">https://x.example/p</a>`, "https://x.example/p"},
		{"mailto is not repeated", `<a href="mailto:a@b.example">a@b.example</a>`, "a@b.example"},
		{"hidden parts", `<head><title>T</title><style>p{}</style></head><script>x()</script><p>ok</p><div style="display:none">pre<div>x</div>header</div><p>fine</p>`, "ok\nfine"},
		{"quotes marked", `<p>Nuovo</p><blockquote type="cite"><p>vecchio</p></blockquote>`, "Nuovo\n> vecchio"},
		{"gmail quote", `<div>Nuovo</div><div class="gmail_quote"><div>On x wrote:</div><blockquote>vecchio</blockquote></div>`, "Nuovo\n> On x wrote:\n> > vecchio"},
		{"images", `<p>Vedi <img src="cid:1" alt="schermata"></p>`, "Vedi [schermata]"},
		{"word html", "<html><head><style><!-- p.MsoNormal {margin:0cm} --></style><!--[if gte mso 9]><xml><o:shapedefaults/></xml><![endif]--></head><body lang=IT><div class=WordSection1><p class=MsoNormal>Buongiorno,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>il PC non si avvia.<o:p></o:p></p></div></body></html>", "Buongiorno,\n\nil PC non si avvia."},
		{"outlook reply header", `<div>Ok.</div><div id="divRplyFwdMsg"><b>Da:</b> Help desk<br><b>Inviato:</b> martedì</div><div>vecchio testo</div>`, "Ok.\n________________________________\nDa: Help desk\nInviato: martedì\nvecchio testo"},
		{"broken html", `<p>aperto <b>grassetto <i>corsivo</p>resto`, "aperto grassetto corsivo\nresto"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalizeText(htmlToText(tc.in)); got != tc.want {
				t.Fatalf("htmlToText = %q, want %q", got, tc.want)
			}
		})
	}
}
