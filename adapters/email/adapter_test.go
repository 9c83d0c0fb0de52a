// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"errors"
	"strings"
	"testing"
)

func TestNewChecksConfig(t *testing.T) {
	good := Config{FromAddress: "helpdesk@asl.example", SMTPAddr: "smtp.asl.example:587"}
	tests := []struct {
		name string
		edit func(*Config)
		want string // part of the error; "" = accepted
	}{
		{"minimal send-only", func(*Config) {}, ""},
		{"no from", func(c *Config) { c.FromAddress = "" }, "FROM_ADDRESS"},
		{"from with a name", func(c *Config) { c.FromAddress = "Desk <d@x.example>" }, "FROM_ADDRESS"},
		{"no smtp", func(c *Config) { c.SMTPAddr = "" }, "SMTP_ADDR"},
		{"imap without user", func(c *Config) { c.IMAPAddr = "imap.asl.example:993" }, "IMAP_USERNAME"},
		{"bad security", func(c *Config) { c.IMAPSecurity = "ssl" }, "security"},
		{"bad processed", func(c *Config) { c.Processed = "delete" }, "processed"},
		{"move without folder", func(c *Config) { c.Processed = ProcessedMove }, "PROCESSED_FOLDER"},
		{"keyword with a space", func(c *Config) { c.ProcessedKeyword = "Help desk" }, "keyword"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			a, err := New(cfg, &recordingHandler{}, quietLog())
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("New = %v, want an ErrConfig about %s", err, tc.want)
			case tc.want == "":
				c := a.cfg
				if c.Mailbox != "INBOX" || c.Processed != ProcessedFlag || c.ProcessedKeyword != "$HelpdeskProcessed" ||
					c.IMAPSecurity != SecurityTLS || c.SMTPSecurity != SecurityStartTLS || c.MessageIDDomain != "asl.example" || c.DefaultLang != "it" {
					t.Fatalf("defaults %+v", c)
				}
			}
		})
	}
	if _, err := New(good, nil, nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("no handler: %v", err)
	}
}
