// SPDX-License-Identifier: EUPL-1.2

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
