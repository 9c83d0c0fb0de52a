// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestTLSWithCAFile(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	good, junk := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(junk, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := tlsWithCAFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: c.RootCAs}); err != nil {
		t.Errorf("the CA file's certificate is not trusted: %v", err)
	}
	if c.MinVersion != tls.VersionTLS12 {
		t.Errorf("MinVersion %x, want TLS 1.2", c.MinVersion)
	}
	for name, path := range map[string]string{"missing": filepath.Join(dir, "none.pem"), "no PEM": junk} {
		if _, err := tlsWithCAFile(path); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
}

func TestTLSConfigServerName(t *testing.T) {
	a := &Adapter{}
	if c := a.tlsConfig("imap.example:993"); c.ServerName != "imap.example" || c.MinVersion != tls.VersionTLS12 {
		t.Errorf("default: ServerName %q, MinVersion %x", c.ServerName, c.MinVersion)
	}
	if c := a.tlsConfig("imap.example"); c.ServerName != "imap.example" {
		t.Errorf("without a port: ServerName %q", c.ServerName)
	}
	given := &tls.Config{ServerName: "pinned.example"}
	a.tls = given
	if c := a.tlsConfig("imap.example:993"); c.ServerName != "pinned.example" || c == given {
		t.Errorf("a given config: ServerName %q, copied %v", c.ServerName, c != given)
	}
	a.tls = &tls.Config{}
	if c := a.tlsConfig("smtp.example:465"); c.ServerName != "smtp.example" || a.tls.ServerName != "" {
		t.Errorf("a given config without a name: %q, and the given one was changed to %q", c.ServerName, a.tls.ServerName)
	}
}
