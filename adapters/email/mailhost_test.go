// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"helpdesk/internal/devdb"
	"helpdesk/internal/testwait"
)

// A private Dovecot and Postfix on loopback, started by the test that
// needs them and stopped in its Cleanup: Debian's servers behave in ways
// a library's test server does not (Dovecot announces new mail only to a
// command that synchronises the view, Postfix accepts a mail and bounces
// it later with a DSN, checks recipients at RCPT and content at the end
// of DATA, speaks STARTTLS with the test's own certificate).
//
// Mail for asl.example and ambulatorio.example reaches Postfix on MXAddr
// (no authentication, as from the Internet) or SubmissionAddr (STARTTLS
// required, AUTH through Dovecot's auth socket) and is delivered over LMTP
// into Dovecot's maildirs, read over IMAP on IMAPAddr (STARTTLS offered)
// or IMAPSAddr (implicit TLS). Everything lives in one temporary folder:
// configuration, sockets (Dovecot's base_dir), state, queue, logs, mail.
// The masters run as the current user, which must be root (Postfix's
// master refuses anyone else); Dovecot's mail processes run as "nobody",
// since Dovecot refuses mail access as root.
type mailHost struct {
	dir            string
	IMAPAddr       string // IMAP, STARTTLS offered, plaintext login allowed on loopback
	IMAPSAddr      string // IMAP over implicit TLS
	MXAddr         string // SMTP as a mail exchanger: no AUTH, local domains only
	SubmissionAddr string // SMTP submission: STARTTLS then AUTH required
	ClientTLS      *tls.Config
	CAFile         string          // the test certificate, PEM (Config.CAFile)
	exits          []chan struct{} // closed when each master process has exited
}

// Addresses of the mail host. Every address of the two domains exists for
// Postfix except nobody@ (550 at RCPT); only the users of the passwd-file
// exist for Dovecot, so Postfix accepts gone@asl.example and then bounces
// it (LMTP 550) with a DSN to the sender.
const (
	deskAddr      = "helpdesk@asl.example"
	requesterAddr = "m.rossi@ambulatorio.example"
	mailPass      = "imap-secret" // every user's, IMAP and SMTP alike
	// rejectedWord in a mail's body makes Postfix refuse it at the end of
	// DATA (body_checks): a permanent 550 to one reply only.
	rejectedWord = "EICAR-TEST-CONTENT"
)

const mailServersHint = "Dovecot and Postfix are needed: .ci/setup-tools installs them " +
	"(apt-get install dovecot-imapd dovecot-lmtpd dovecot-sieve postfix)"

// mailServerBinaries finds Dovecot and Postfix's master, or skips the test
// when run outside make on a machine without them. Under make (MAKELEVEL is
// set) a missing server fails the test: make test installs them first.
func mailServerBinaries(t *testing.T) (dovecot, master string) {
	t.Helper()
	// Debian's paths first: /usr/sbin is not on every user's PATH.
	dovecot, err := lookPath("/usr/sbin/dovecot", "dovecot")
	if err == nil {
		if _, err = os.Stat("/usr/lib/dovecot/lmtp"); err == nil {
			_, err = os.Stat("/usr/lib/dovecot/modules/lib90_sieve_plugin.so")
		}
		if err == nil {
			var out []byte
			var postconf string
			if postconf, err = lookPath("/usr/sbin/postconf", "postconf"); err == nil {
				out, err = exec.Command(postconf, "-d", "-h", "daemon_directory").Output()
			}
			master = filepath.Join(strings.TrimSpace(string(out)), "master")
			if err == nil {
				_, err = os.Stat(master)
			}
		}
	}
	switch {
	case err != nil && os.Getenv("MAKELEVEL") != "":
		t.Fatalf("%s (%v)", mailServersHint, err)
	case err != nil:
		t.Skipf("%s (%v)", mailServersHint, err)
	case os.Geteuid() != 0:
		t.Skip("the Dovecot and Postfix tests run as root, as make test does on CI: Postfix's master refuses other users")
	}
	return dovecot, master
}

// lookPath is path when it is an executable, else name found on PATH.
func lookPath(path, name string) (string, error) {
	if st, err := os.Stat(path); err == nil && st.Mode()&0o111 != 0 {
		return path, nil
	}
	return exec.LookPath(name)
}

// startMailHost starts Dovecot and Postfix for one test, with the desk's
// and the requester's mailboxes.
func startMailHost(t *testing.T) *mailHost {
	t.Helper()
	dovecot, master := mailServerBinaries(t)
	// A short path: Unix sockets live in it, and their names are limited.
	dir, err := os.MkdirTemp("", "hd-mail-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Dovecot's auth and Postfix's daemons run as their own users and
	// must reach the files and sockets in here.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := &mailHost{dir: dir}
	h.ClientTLS = h.writeCertificate(t)
	ports := freePorts(t, 4)
	h.IMAPAddr, h.IMAPSAddr = ports[0], ports[1]
	h.MXAddr, h.SubmissionAddr = ports[2], ports[3]
	h.startDovecot(t, dovecot)
	h.startPostfix(t, master)
	return h
}

// writeCertificate makes a self-signed certificate for 127.0.0.1, writes
// it and its key for the servers, and returns a client configuration
// trusting it.
func (h *mailHost) writeCertificate(t *testing.T) *tls.Config {
	t.Helper()
	der, key := newTestCertificate(t)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	h.CAFile = filepath.Join(h.dir, "cert.pem")
	writeFile(t, h.CAFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, filepath.Join(h.dir, "key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{RootCAs: pool}
}

// newTestCertificate is a self-signed certificate (its own authority) for
// 127.0.0.1 and localhost, valid for an hour either side of now.
func newTestCertificate(t testing.TB) (der []byte, key *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// freePorts are loopback ports nothing listens on now, for the mail
// servers to bind; devdb.FreePort says why they are not taken with
// bind(":0").
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for range n {
		p, err := devdb.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
	}
	return out
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func (h *mailHost) startDovecot(t *testing.T, dovecot string) {
	t.Helper()
	for _, d := range []string{"run", "state", "mail"} {
		if err := os.Mkdir(filepath.Join(h.dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Mail processes run as nobody (Dovecot refuses uid 0): the maildirs
	// are theirs.
	if err := os.Chown(filepath.Join(h.dir, "mail"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	var users strings.Builder
	for _, u := range []string{deskAddr, requesterAddr} {
		fmt.Fprintf(&users, "%s:{PLAIN}%s::::\n", u, mailPass)
	}
	writeFile(t, filepath.Join(h.dir, "passwd"), users.String())
	d := h.dir
	writeFile(t, filepath.Join(d, "dovecot.conf"), `# a private Dovecot for one test
base_dir = `+d+`/run
state_dir = `+d+`/state
instance_name = `+filepath.Base(d)+`
log_path = `+d+`/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <`+d+`/cert.pem
ssl_key = <`+d+`/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
mail_location = maildir:`+d+`/mail/%u
namespace inbox {
  inbox = yes
  mailbox Processed {
    auto = create
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u `+d+`/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=`+d+`/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    port = `+portOf(h.IMAPAddr)+`
  }
  inet_listener imaps {
    port = `+portOf(h.IMAPSAddr)+`
    ssl = yes
  }
}
protocol lmtp {
  auth_username_format = %u
  mail_plugins = $mail_plugins sieve
}
# Sieve at delivery (a user's out-of-office, mailHost.vacation); what it
# sends goes back through Postfix.
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
}
submission_host = `+h.MXAddr+`
postmaster_address = postmaster@asl.example
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
`)
	h.run(t, "Dovecot", filepath.Join(d, "dovecot.log"), dovecot, "-F", "-c", filepath.Join(d, "dovecot.conf"))
	h.waitGreeting(t, "Dovecot", h.IMAPAddr, "* OK", filepath.Join(d, "dovecot.log"))
}

func (h *mailHost) startPostfix(t *testing.T, master string) {
	t.Helper()
	d := h.dir
	for _, sub := range []string{"postfix", "queue"} {
		if err := os.Mkdir(filepath.Join(d, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(d, "postfix", "main.cf"), `# a private Postfix for one test
compatibility_level = 3.6
queue_directory = `+d+`/queue
data_directory = `+d+`/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.test
mydomain = test
myorigin = mx.test
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
maillog_file = `+d+`/postfix.log
maillog_file_prefixes = `+d+`
smtpd_tls_cert_file = `+d+`/cert.pem
smtpd_tls_key_file = `+d+`/key.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = `+d+`/run/auth-postfix
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
virtual_mailbox_domains = asl.example ambulatorio.example
virtual_mailbox_maps = regexp:`+d+`/postfix/mailboxes
virtual_transport = lmtp:unix:`+d+`/run/lmtp
body_checks = regexp:`+d+`/postfix/body_checks
`)
	writeFile(t, filepath.Join(d, "postfix", "mailboxes"), "!/^nobody@/ ok\n")
	writeFile(t, filepath.Join(d, "postfix", "body_checks"), "/"+rejectedWord+"/ REJECT 5.7.1 content refused by policy\n")
	writeFile(t, filepath.Join(d, "postfix", "master.cf"), fmt.Sprintf(`# service type private unpriv chroot wakeup maxproc command
%s inet n - n - - smtpd
%s inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`, h.MXAddr, h.SubmissionAddr))
	h.makeQueue(t)
	conf := filepath.Join(d, "postfix")
	// master -d stays in the foreground: the test owns its process.
	h.run(t, "Postfix", filepath.Join(d, "postfix.log"), master, "-c", conf, "-d")
	h.waitGreeting(t, "Postfix", h.MXAddr, "220 ", filepath.Join(d, "postfix.log"))
	h.waitGreeting(t, "Postfix submission", h.SubmissionAddr, "220 ", filepath.Join(d, "postfix.log"))
}

// makeQueue lays out Postfix's queue and data folders with the owners
// and modes of Debian's postfix-files, which "postfix check" would create
// too, in seven seconds instead of none.
func (h *mailHost) makeQueue(t *testing.T) {
	t.Helper()
	pf, err := user.Lookup("postfix")
	if err != nil {
		t.Fatal(err)
	}
	drop, err := user.LookupGroup("postdrop")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(pf.Uid)
	gid, _ := strconv.Atoi(drop.Gid)
	dirs := []struct {
		name     string
		uid, gid int
		mode     os.FileMode
	}{
		{"data", uid, 0, 0o700}, {"queue/pid", 0, 0, 0o755},
		{"queue/maildrop", uid, gid, 0o730}, {"queue/public", uid, gid, 0o710},
	}
	for _, q := range []string{"active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private", "saved", "trace"} {
		dirs = append(dirs, struct {
			name     string
			uid, gid int
			mode     os.FileMode
		}{"queue/" + q, uid, 0, 0o700})
	}
	for _, q := range dirs {
		p := filepath.Join(h.dir, q.name)
		if err := os.MkdirAll(p, q.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, q.uid, q.gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, q.mode); err != nil { // MkdirAll's mode is masked by the umask
			t.Fatal(err)
		}
	}
}

// run starts a server's master process in the foreground and stops it
// (SIGTERM, which takes its children down too) when the test ends. The
// server's log is printed when the test has failed.
func (h *mailHost) run(t *testing.T, name, logFile, path string, args ...string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second
	// A test binary killed by its -timeout takes the server with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	h.exits = append(h.exits, exited)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s's log (the end):\n%s%s", name, logTail(logFile), out.String())
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
}

// waitGreeting waits until addr answers with a greeting that starts with
// want: the server is ready. A master that exits first fails the test.
func (h *mailHost) waitGreeting(t *testing.T, name, addr, want, logFile string) {
	t.Helper()
	exited := h.exits[len(h.exits)-1]
	testwait.For(t, name+" greets on "+addr, func() bool {
		select {
		case <-exited:
			t.Fatalf("%s exited while starting; its log:\n%s", name, logTail(logFile))
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		b := make([]byte, 512)
		n, _ := c.Read(b)
		return strings.HasPrefix(string(b[:n]), want)
	})
}

// logTail is the end of a server's log, where a failure's cause is.
func logTail(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(b), "\n")
	return strings.Join(lines[max(0, len(lines)-60):], "")
}
