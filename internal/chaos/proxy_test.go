// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"io"
	"net"
	"sync"
	"testing"
)

// vip stands in for a fail-over manager's moving address (Patroni's
// virtual IP, a DNS name, a PgBouncer in front): the service always
// connects to it, and it forwards to whichever cluster is primary. Moving
// it cuts every connection it carries, as a virtual IP moving to another
// machine does.
type vip struct {
	ln     net.Listener
	mu     sync.Mutex
	target string
	conns  map[net.Conn]bool
}

func newVIP(t *testing.T, target string) *vip {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	v := &vip{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go v.serve()
	t.Cleanup(func() { ln.Close(); v.cut() })
	return v
}

func (v *vip) addr() string { return v.ln.Addr().String() }

func (v *vip) serve() {
	for {
		c, err := v.ln.Accept()
		if err != nil {
			return
		}
		go v.pipe(c)
	}
}

func (v *vip) pipe(client net.Conn) {
	v.mu.Lock()
	target := v.target
	v.mu.Unlock()
	server, err := net.Dial("tcp", target)
	if err != nil {
		client.Close() // nothing listens there: the client sees the connection drop
		return
	}
	v.mu.Lock()
	v.conns[client], v.conns[server] = true, true
	v.mu.Unlock()
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) { io.Copy(dst, src); dst.Close(); src.Close(); done <- struct{}{} }
	go cp(server, client)
	go cp(client, server)
	<-done
	<-done
	v.mu.Lock()
	delete(v.conns, client)
	delete(v.conns, server)
	v.mu.Unlock()
}

// move points the address at another server and cuts what it carried.
func (v *vip) move(target string) {
	v.mu.Lock()
	v.target = target
	v.mu.Unlock()
	v.cut()
}

func (v *vip) cut() {
	v.mu.Lock()
	defer v.mu.Unlock()
	for c := range v.conns {
		c.Close()
	}
}
