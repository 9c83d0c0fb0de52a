// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"helpdesk/internal/devdb"
)

const (
	botToken      = "424242:chaos-test-token_DO-NOT-LOG"
	webhookSecret = "chaos-secret"
)

// instance is one `helpdesk serve` process.
type instance struct {
	t    *testing.T
	name string
	addr string
	env  []string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

func newInstance(t *testing.T, name, dbURL, apiURL string) *instance {
	// Below the ephemeral range (devdb.FreePort says why): the instance is
	// killed and started again on this address mid-load.
	port, err := devdb.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	dir := t.TempDir()
	in := &instance{t: t, name: name, addr: addr, log: filepath.Join(dir, name+".log")}
	in.env = append(os.Environ(),
		"HELPDESK_DATABASE_URL="+dbURL,
		"HELPDESK_HTTP_ADDR="+addr,
		"HELPDESK_HTTP_BASE_URL=http://"+addr,
		"HELPDESK_KB_LOAD_ON_START=false",
		"HELPDESK_BACKUP_INTERVAL=0",
		"HELPDESK_BACKUP_DIR="+dir,
		"HELPDESK_DATA_DIR="+dir,
		"HELPDESK_DATABASE_MAX_OPEN_CONNS=12",
		"HELPDESK_DATABASE_STATEMENT_TIMEOUT=10s",
		"HELPDESK_BOT_RESEND_UNSENT_AFTER=20s",
		"HELPDESK_BOT_USER_RATE_PER_MINUTE=0", // simulated users write far faster than people
		"HELPDESK_LOG_LEVEL=info",
		"HELPDESK_CHANNELS_TELEGRAM_ENABLED=true",
		"HELPDESK_CHANNELS_TELEGRAM_MODE=webhook",
		"HELPDESK_CHANNELS_TELEGRAM_TOKEN="+botToken,
		"HELPDESK_CHANNELS_TELEGRAM_WEBHOOK_SECRET="+webhookSecret,
		"HELPDESK_CHANNELS_TELEGRAM_API_URL="+apiURL,
	)
	t.Cleanup(func() { in.kill() })
	return in
}

// start runs the process and waits until it answers /healthz.
func (in *instance) start() {
	in.t.Helper()
	f, err := os.OpenFile(in.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		in.t.Fatal(err)
	}
	cmd := exec.Command(binary, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = in.env, f, f
	cmd.Dir = projectRoot
	if err := cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	in.cmd = cmd
	done := make(chan struct{})
	in.done = done
	go func() { cmd.Wait(); f.Close(); close(done) }()
	// The readiness probe decides; the pause is only its poll interval.
	for end := deadline(in.t); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + in.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
	}
	b, _ := os.ReadFile(in.log)
	in.t.Fatalf("%s did not start:\n%s", in.name, b)
}

// kill9 ends the process with SIGKILL: no shutdown, nothing flushed.
func (in *instance) kill9() {
	if in.cmd != nil && in.cmd.Process != nil {
		in.cmd.Process.Signal(syscall.SIGKILL)
		<-in.done
	}
	in.cmd = nil
}

func (in *instance) kill() { in.kill9() }

// set overrides one environment variable of later starts.
func (in *instance) set(key, value string) {
	in.env = append(in.env, key+"="+value)
}

func (in *instance) logText() string {
	b, _ := os.ReadFile(in.log)
	return string(b)
}
