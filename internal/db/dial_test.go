// SPDX-License-Identifier: EUPL-1.2

package db

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A TCP connection to PostgreSQL gives up on a peer that stopped
// answering (TCP_USER_TIMEOUT, keep-alive on) instead of hanging; a Unix
// socket is dialled as it is, without the TCP options.
func TestDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := Dialer().DialTimeout("tcp", ln.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var userTO, keepAlive int
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		userTO, gerr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT)
		if gerr == nil {
			keepAlive, gerr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_KEEPALIVE)
		}
	}); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	if userTO != int(userTimeout.Milliseconds()) || keepAlive != 1 {
		t.Errorf("TCP_USER_TIMEOUT %d ms, SO_KEEPALIVE %d; want %d and 1", userTO, keepAlive, userTimeout.Milliseconds())
	}

	sock := filepath.Join(t.TempDir(), ".s.PGSQL.5432")
	uln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer uln.Close()
	uc, err := Dialer().Dial("unix", sock)
	if err != nil {
		t.Fatalf("unix socket: %v", err)
	}
	uc.Close()
}
