// SPDX-License-Identifier: EUPL-1.2

package db

import (
	"context"
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Network settings of every connection to PostgreSQL. They matter when the
// database server's machine dies or a fail-over moves its address: without
// them a connection to a vanished server waits for the kernel's defaults
// (minutes to hours) and the pool sticks. Both stay well above what a busy
// but healthy server needs. See "High availability" in docs/operations.md.
const (
	// defaultConnectTimeout bounds opening a connection (TCP and start-up);
	// a connect_timeout in the URL takes precedence.
	defaultConnectTimeout = 5 * time.Second
	// keepAliveIdle, keepAliveInterval and keepAliveCount: an idle pooled
	// connection to a server that vanished is found dead within
	// 10 s + 3 × 5 s.
	keepAliveIdle     = 10 * time.Second
	keepAliveInterval = 5 * time.Second
	keepAliveCount    = 3
	// userTimeout (TCP_USER_TIMEOUT): a query sent to a server that no
	// longer acknowledges anything fails after this long instead of
	// waiting for TCP's retransmissions (about 15 minutes).
	userTimeout = 20 * time.Second
)

// dialer is lib/pq's Dialer with keepalives and TCP_USER_TIMEOUT set.
type dialer struct{}

func (d dialer) netDialer() *net.Dialer {
	return &net.Dialer{
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: keepAliveIdle, Interval: keepAliveInterval, Count: keepAliveCount},
		Control: func(network, address string, c syscall.RawConn) error {
			if network != "tcp" && network != "tcp4" && network != "tcp6" {
				return nil
			}
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, int(userTimeout.Milliseconds()))
			})
			if err != nil {
				return err
			}
			return serr
		},
	}
}

func (d dialer) Dial(network, address string) (net.Conn, error) {
	return d.netDialer().Dial(network, address)
}

func (d dialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

func (d dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return d.netDialer().DialContext(ctx, network, address)
}

// Dialer returns the dialer the pool uses, for connections opened outside
// it (LISTEN connections: pq.NewDialListener), so they get the same
// keepalives and timeouts.
func Dialer() interface {
	Dial(network, address string) (net.Conn, error)
	DialTimeout(network, address string, timeout time.Duration) (net.Conn, error)
} {
	return dialer{}
}
