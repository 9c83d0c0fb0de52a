// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"strings"
	"testing"
)

func TestCheckIMAP(t *testing.T) {
	srv := newIMAPServer(t, true)
	smtpSrv := newSMTPServer(t, smtpOptions{})
	ctx := context.Background()
	base := imapConfig(srv)
	base.SMTPAddr, base.SMTPUsername, base.SMTPPassword = smtpSrv.Addr, smtpUser, smtpPass
	tests := []struct {
		name string
		edit func(*Config)
		want string // "" = no error
	}{
		{"good", func(*Config) {}, ""},
		{"wrong password", func(c *Config) { c.IMAPPassword = "x" }, "IMAP login"},
		{"no such mailbox", func(c *Config) { c.Mailbox = "Helpdesk" }, "HELPDESK_CHANNELS_EMAIL_MAILBOX"},
		{"no processed folder", func(c *Config) { c.Processed, c.ProcessedFolder = ProcessedMove, "Done" }, "HELPDESK_CHANNELS_EMAIL_PROCESSED_FOLDER"},
		{"move folder exists", func(c *Config) { c.Processed, c.ProcessedFolder = ProcessedMove, "Processed" }, ""},
		{"nothing listens", func(c *Config) { c.IMAPAddr = "127.0.0.1:1" }, "HELPDESK_CHANNELS_EMAIL_IMAP_ADDR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.edit(&cfg)
			err := newTestAdapter(t, cfg, nil).Check(ctx)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Check = %v, want an error about %s", err, tc.want)
			}
		})
	}
}

// TestIMAPOverTLS: the adapter reads mail over implicit TLS and over
// STARTTLS, and refuses a server whose certificate it cannot verify.
func TestIMAPOverTLS(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	for _, tc := range []struct {
		security string
		implicit bool
	}{{SecurityTLS, true}, {SecurityStartTLS, false}} {
		t.Run(tc.security, func(t *testing.T) {
			srv := newIMAPServerTLS(t, true, serverTLS, tc.implicit)
			smtpSrv := newSMTPServer(t, smtpOptions{})
			cfg := imapConfig(srv)
			cfg.IMAPSecurity = tc.security
			cfg.SMTPAddr, cfg.SMTPUsername, cfg.SMTPPassword = smtpSrv.Addr, smtpUser, smtpPass
			if err := newTestAdapter(t, cfg, nil, WithTLSConfig(clientTLS)).Check(context.Background()); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if err := newTestAdapter(t, cfg, nil).Check(context.Background()); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Fatalf("Check with an untrusted certificate: %v", err)
			}
			h := &recordingHandler{}
			a := newTestAdapter(t, cfg, h, WithTLSConfig(clientTLS))
			srv.deliver(t, "INBOX", readFixture(t, "latin1.eml"))
			startRun(t, a)
			waitFor(t, "mail handled", func() bool { return len(h.got()) == 1 })
		})
	}
}
