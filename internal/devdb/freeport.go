// SPDX-License-Identifier: EUPL-1.2

package devdb

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
)

// FreePort returns a loopback TCP port nothing listens on now, for a
// server started by another process (PostgreSQL here, Dovecot and Postfix
// in the e-mail tests) to bind.
//
// It is taken below the kernel's ephemeral range (ip_local_port_range). A
// port that bind(":0") handed out and the caller closed again can be taken,
// before the server binds it, as the local port of any outgoing connection
// of a busy machine (to PostgreSQL, to Chromium), and the server then fails
// with "Address already in use" (seen once in make test: Dovecot's
// imap-login). Below that range only an explicit bind takes a port. Each
// port is tried with a bind, and handed out once per process, so tests
// running in parallel never share one.
func FreePort() (int, error) {
	return freePortIn(firstPort, ephemeralLow())
}

// freePortIn is FreePort for ports in [from, to).
func freePortIn(from, to int) (int, error) {
	handedOut.Lock()
	defer handedOut.Unlock()
	for range 1000 {
		port := from + rand.IntN(to-from)
		if handedOut.ports[port] {
			continue
		}
		if !portFree(port) {
			continue // taken by someone else: try another
		}
		handedOut.ports[port] = true
		return port, nil
	}
	return 0, fmt.Errorf("no free loopback port between %d and %d after 1000 tries", from, to-1)
}

// firstPort is the lowest port FreePort hands out: above the well-known
// and most registered services' ports.
const firstPort = 10000

var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// ephemeralLow is the first port of the kernel's ephemeral range, or
// Linux's default (32768) when it cannot be read or leaves too little room
// below it.
func ephemeralLow() int {
	const linuxDefault = 32768
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return linuxDefault
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return linuxDefault
	}
	lo, err := strconv.Atoi(f[0])
	if err != nil || lo < firstPort+1000 {
		return linuxDefault
	}
	return lo
}
