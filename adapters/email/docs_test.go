// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"os"
	"strings"
	"testing"
)

// Error messages docs/channels/email.md quotes; the Dovecot and Postfix
// tests check the adapter's errors contain them.
const (
	docSMTPTLS   = "TLS with SMTP server"
	docIMAPTLS   = "TLS with IMAP server"
	docUnknownCA = "x509: certificate signed by unknown authority"
)

// TestEmailDocMatchesTests: the e-mail guide quotes the TLS messages the
// tests see, and names the Debian packages the tests need, which
// .ci/setup-tools installs and a skipping test names.
func TestEmailDocMatchesTests(t *testing.T) {
	doc, err := os.ReadFile("../../docs/channels/email.md")
	if err != nil {
		t.Fatal(err)
	}
	setup, err := os.ReadFile("../../.ci/setup-tools")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{docSMTPTLS, docIMAPTLS, docUnknownCA, "channels.email.ca_file"} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("docs/channels/email.md does not quote %q", s)
		}
	}
	for _, pkg := range []string{"dovecot-imapd", "dovecot-lmtpd", "dovecot-sieve", "postfix"} {
		if !strings.Contains(string(doc), "`"+pkg+"`") {
			t.Errorf("docs/channels/email.md does not name the package %s", pkg)
		}
		if !strings.Contains(string(setup), "need+=("+pkg+")") {
			t.Errorf(".ci/setup-tools does not install %s", pkg)
		}
		if !strings.Contains(mailServersHint, pkg) {
			t.Errorf("the skip message does not name %s", pkg)
		}
	}
}
