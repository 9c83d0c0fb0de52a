// SPDX-License-Identifier: EUPL-1.2

package devdb

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// TestFreePortOutsideEphemeralRange: the ports handed out are below the
// kernel's ephemeral range (so no outgoing connection takes one before the
// server binds it), never the same twice in a process, and free to bind.
func TestFreePortOutsideEphemeralRange(t *testing.T) {
	lo := ephemeralLow()
	seen := map[int]bool{}
	for range 200 {
		p, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if p < firstPort || p >= lo {
			t.Fatalf("port %d outside [%d, %d)", p, firstPort, lo)
		}
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
	}
	// Each is free: a listener takes it (a few are enough to show it).
	n := 0
	for p := range seen {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("port %d handed out but not free: %v", p, err)
		}
		ln.Close()
		if n++; n == 10 {
			break
		}
	}
}

// TestFreePortSkipsATakenPort: a port someone listens on, or one already
// handed out, is never handed out; when none is left the error says so.
func TestFreePortSkipsATakenPort(t *testing.T) {
	// A range of two: a port a listener holds and the one after it, free.
	var taken, next int
	for taken == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		p := ln.Addr().(*net.TCPAddr).Port
		if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+1))); err == nil {
			l.Close()
			taken, next = p, p+1
		}
	}
	p, err := freePortIn(taken, next+1)
	if err != nil || p != next {
		t.Fatalf("freePortIn(%d, %d) = %d, %v; want %d", taken, next+1, p, err, next)
	}
	if p, err := freePortIn(taken, next+1); err == nil {
		t.Fatalf("freePortIn handed out %d again (or the taken %d)", p, taken)
	} else if !strings.Contains(err.Error(), "no free loopback port") {
		t.Fatalf("error %q does not say what is missing", err)
	}
}
